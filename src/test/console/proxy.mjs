// A TCP proxy on the loopback interface between the browser and jobstream, to cut the network: drop() closes
// every open connection, and while down new connections are closed as soon as they open.
import { connect, createServer } from 'node:net';

export async function startProxy(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]]) {
      sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    /** Cuts every connection and refuses new ones until up(). */
    down() {
      down = true;
      sockets.forEach((socket) => socket.destroy());
    },
    up() {
      down = false;
    },
    close() {
      sockets.forEach((socket) => socket.destroy());
      server.close();
    },
  };
}
