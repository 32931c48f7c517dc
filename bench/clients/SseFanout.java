import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SSE fan-out client: opens SUBSCRIBERS event streams of one run on one thread (non-blocking sockets, one
 * selector), so that the client costs the shared machine as little as possible. Every SAMPLE-th subscriber decodes
 * its stream, checks order and gaps and times every event after the warm-up (delay from the event's "ts", set by
 * the engine, to its arrival here); the others count their events with a byte search. Prints one JSON line like
 * sse-fanout.mjs: subscribers, events, measured, gaps, errors, closed_by_server, connect_s, p50_ms, p99_ms, max_ms.
 *
 * URL=http://127.0.0.1:8097/v1/runs/<id>/events TOKEN=… SUBSCRIBERS=10000 SECONDS=20 java SseFanout.java
 */
public class SseFanout {

    static final byte[] EVENT = "\nevent: ".getBytes(StandardCharsets.US_ASCII);
    static final Pattern TS = Pattern.compile("\"ts\": \"([^\"]+)\"");

    static int events, gaps, errors, closed, connected, measured;
    static long measureFrom = Long.MAX_VALUE;
    static final TreeMap<Long, Integer> delays = new TreeMap<>();

    public static void main(String[] args) throws Exception {
        URI url = URI.create(System.getenv("URL"));
        String token = System.getenv("TOKEN");
        int subscribers = Integer.parseInt(env("SUBSCRIBERS", "10000"));
        int seconds = Integer.parseInt(env("SECONDS", "20"));
        long warmupMs = Long.parseLong(env("WARMUP_MS", "5000"));
        int sample = Integer.parseInt(env("SAMPLE", "10"));

        // join live: start after the events stored so far (the client of a dashboard that opens a running run)
        String stored = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "?limit=10000"))
                .header("Accept", "application/json").header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        int after = 0;
        for (Matcher m = Pattern.compile("\"id\":(\\d+)").matcher(stored); m.find();) {
            after = Integer.parseInt(m.group(1));
        }
        byte[] request = ("GET " + url.getRawPath() + "?after=" + after + " HTTP/1.1\r\nHost: " + url.getHost()
                + ":" + url.getPort() + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer " + token
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());

        Selector selector = Selector.open();
        ByteBuffer read = ByteBuffer.allocateDirect(256 * 1024);
        byte[] bytes = new byte[read.capacity()];
        long started = System.currentTimeMillis();
        long connectMs = -1;
        long end = Long.MAX_VALUE;
        long giveUp = started + 120_000;
        int opened = 0;
        while (System.currentTimeMillis() < Math.min(end, giveUp)) {
            // open the connections in slices so that the accept queue keeps up
            for (int k = 0; k < 250 && opened < subscribers; k++, opened++) {
                SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.connect(address);
                channel.register(selector, SelectionKey.OP_CONNECT,
                        new Stream(after, opened % sample == 0, ByteBuffer.wrap(request)));
            }
            selector.select(20);
            for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext();) {
                SelectionKey key = keys.next();
                keys.remove();
                Stream stream = (Stream) key.attachment();
                SocketChannel channel = (SocketChannel) key.channel();
                try {
                    if (key.isConnectable()) {
                        channel.finishConnect();
                        channel.write(stream.request);
                        key.interestOps(SelectionKey.OP_READ);
                        continue;
                    }
                    read.clear();
                    int n = channel.read(read);
                    if (n < 0) {
                        closed++;
                        key.cancel();
                        channel.close();
                        continue;
                    }
                    read.flip();
                    read.get(bytes, 0, n);
                    boolean wasConnected = stream.connected;
                    stream.take(bytes, n);
                    if (!wasConnected && stream.connected && ++connected == subscribers) {
                        connectMs = System.currentTimeMillis() - started;
                        measureFrom = System.currentTimeMillis() + warmupMs;
                        end = measureFrom + seconds * 1000L;
                    }
                } catch (IOException e) {
                    errors++;
                    key.cancel();
                    channel.close();
                }
            }
        }
        System.out.printf("{\"subscribers\":%d,\"events\":%d,\"measured\":%d,\"gaps\":%d,\"errors\":%d,"
                + "\"closed_by_server\":%d,\"connect_s\":%.3f,\"p50_ms\":%s,\"p99_ms\":%s,\"max_ms\":%s}%n",
                connected, events, measured, gaps, errors, closed, connectMs / 1000.0, percentile(50),
                percentile(99), percentile(100));
        System.exit(0);
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    static Long percentile(double p) {
        long rank = (long) Math.ceil(p / 100 * measured);
        long seen = 0;
        for (var entry : delays.entrySet()) {
            seen += entry.getValue();
            if (seen >= rank) {
                return entry.getKey();
            }
        }
        return null;
    }

    /** One subscriber: its response head, then (timed ones) the chunked body decoded into SSE frames. */
    static final class Stream {

        final boolean timed;
        final ByteBuffer request;
        boolean connected;
        int lastId;
        // response head: its status line's start, and how much of the blank line ending it was seen
        final StringBuilder status = new StringBuilder();
        int headEnd;
        // untimed: bytes of a pattern split across reads
        int partial;
        // timed: chunked decoding and the SSE text of unfinished frames
        int chunkLeft = -1; // -1: reading a chunk-size line
        final StringBuilder sizeLine = new StringBuilder();
        boolean skipCrlf;
        final StringBuilder text = new StringBuilder();

        Stream(int after, boolean timed, ByteBuffer request) {
            this.lastId = after;
            this.timed = timed;
            this.request = request;
        }

        void take(byte[] bytes, int n) {
            int i = 0;
            if (!connected) {
                for (; i < n; i++) {
                    if (status.length() < 12) {
                        status.append((char) bytes[i]);
                    }
                    boolean match = bytes[i] == (headEnd % 2 == 0 ? '\r' : '\n');
                    headEnd = match ? headEnd + 1 : bytes[i] == '\r' ? 1 : 0;
                    if (headEnd == 4) {
                        if (!status.toString().endsWith(" 200")) {
                            errors++;
                            return;
                        }
                        connected = true;
                        i++;
                        break;
                    }
                }
                if (!connected) {
                    return;
                }
            }
            if (timed) {
                decode(bytes, i, n);
            } else {
                count(bytes, i, n);
            }
        }

        /** Counts "\nevent: " in the raw bytes (chunk size lines never contain it), across reads too. */
        private void count(byte[] bytes, int from, int n) {
            for (int i = from; i < n; i++) {
                if (bytes[i] == EVENT[partial]) {
                    if (++partial == EVENT.length) {
                        events++;
                        partial = 0;
                    }
                } else {
                    partial = bytes[i] == EVENT[0] ? 1 : 0;
                }
            }
        }

        private void decode(byte[] bytes, int from, int n) {
            int i = from;
            while (i < n) {
                if (skipCrlf) {
                    if (bytes[i] == '\n') {
                        skipCrlf = false;
                    }
                    i++;
                } else if (chunkLeft < 0) {
                    byte b = bytes[i++];
                    if (b == '\n') {
                        String size = sizeLine.toString().trim();
                        sizeLine.setLength(0);
                        if (!size.isEmpty()) {
                            chunkLeft = Integer.parseInt(size, 16);
                        }
                    } else {
                        sizeLine.append((char) b);
                    }
                } else {
                    int take = Math.min(chunkLeft, n - i);
                    text.append(new String(bytes, i, take, StandardCharsets.UTF_8));
                    i += take;
                    chunkLeft -= take;
                    if (chunkLeft == 0) {
                        chunkLeft = -1;
                        skipCrlf = true;
                        frames();
                    }
                }
            }
        }

        private void frames() {
            int end;
            while ((end = text.indexOf("\n\n")) >= 0) {
                String frame = text.substring(0, end);
                text.delete(0, end + 2);
                if (!frame.startsWith("id: ")) {
                    continue;
                }
                int seq = Integer.parseInt(frame.substring(4, frame.indexOf('\n')));
                if (seq != lastId + 1) {
                    gaps++;
                }
                lastId = seq;
                events++;
                long now = System.currentTimeMillis();
                if (now >= measureFrom) {
                    Matcher ts = TS.matcher(frame);
                    if (ts.find()) {
                        delays.merge(now - Instant.parse(ts.group(1)).toEpochMilli(), 1, Integer::sum);
                        measured++;
                    }
                }
            }
        }
    }
}
