package dev.jobstream.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback between a replica and PostgreSQL, to cut the replica off from the database without stopping
 * either: {@link #cut()} closes every connection and refuses new ones until {@link #restore()}; {@link #freeze(int)}
 * makes one connection half-open — its sockets stay open and every byte sent either way is dropped — as when a server
 * or a NAT on the path went away without a word.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Local ports (as PostgreSQL sees the client: {@code pg_stat_activity.client_port}) of frozen connections. */
    private final Set<Integer> frozen = ConcurrentHashMap.newKeySet();
    private volatile boolean cut;
    private volatile boolean dropReplies;
    private volatile boolean closed;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes every connection through the proxy and refuses new ones. */
    public void cut() {
        cut = true;
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /**
     * Drops, from now on, every byte of the connection whose upstream side has local port {@code clientPort} (the
     * {@code client_port} PostgreSQL shows for it); its sockets stay open.
     */
    public void freeze(int clientPort) {
        frozen.add(clientPort);
    }

    /**
     * While true, every byte from the target back to the clients is dropped (the connections stay open): what a
     * client sends arrives and is acted on, its reply is lost.
     */
    public void dropReplies(boolean drop) {
        dropReplies = drop;
    }

    /** Lets connections through again. */
    public void restore() {
        cut = false;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                int port = upstream.getLocalPort();
                pipe(client, upstream, port, false);
                pipe(upstream, client, port, true);
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection fail
            }
        }
    }

    private void pipe(Socket from, Socket to, int port, boolean reply) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!frozen.contains(port) && !(reply && dropReplies)) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        cut();
        server.close();
    }
}
