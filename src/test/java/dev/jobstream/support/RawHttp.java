package dev.jobstream.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a socket of its own per request, so that any byte can go into the request line and the headers (NUL,
 * control characters, invalid UTF-8), which the JDK client refuses to send. {@code Connection: close} on every
 * request: the answer ends where the server closes, or at its Content-Length, or at its last chunk. An event stream
 * that opened with 200 is read for a short while only, or — when asked to — until the server ends it.
 */
public final class RawHttp {

    /** How an event stream (200 text/event-stream) is read. */
    public enum Stream {
        /** A glance: what comes within {@link #GLANCE_MS}, then the connection is closed. */
        GLANCE,
        /** Until the server ends it, for at most the given time; an answer that is still open says so. */
        TO_END
    }

    /** One header to send: its name and the exact bytes of its value. */
    public record Header(String name, byte[] value) {
        public static Header of(String name, String value) {
            return new Header(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * What came back: status (0: none), headers (names in lower case), the body (its first {@link #KEEP} bytes,
     * chunks decoded), whether it was an event stream, and for one read {@link Stream#TO_END} whether it ended in
     * time; {@code error} says why there was no (complete) answer.
     */
    public record Answer(int status, Map<String, String> headers, String body, boolean stream, boolean ended,
            String error,
            long millis) {

        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    public static final int GLANCE_MS = 150;
    private static final int KEEP = 256 * 1024;
    private static final int MAX_READ = 4 * 1024 * 1024;

    private RawHttp() {
    }

    public static Answer send(String host, int port, String method, byte[] target, List<Header> headers, byte[] body,
            int timeoutMs, Stream stream, int streamMs) {
        long start = System.nanoTime();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes((method + " ").getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(target);
        request.writeBytes(" HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(("Host: " + host + ":" + port + "\r\nConnection: close\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        for (Header header : headers) {
            request.writeBytes((header.name() + ": ").getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(header.value());
            request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        if (body != null) {
            request.writeBytes(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        request.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            request.writeBytes(body);
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(timeoutMs);
            String writeError = null;
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request.toByteArray());
                out.flush();
            } catch (IOException e) {
                // the server may answer (414, 413, 431) and close before it has read all of a large request: the
                // answer can still be read
                writeError = "write: " + e.getMessage();
            }
            return read(socket, timeoutMs, stream, streamMs, start, writeError);
        } catch (IOException e) {
            return new Answer(0, Map.of(), "", false, false, e.toString(), millis(start));
        }
    }

    private static Answer read(Socket socket, int timeoutMs, Stream stream, int streamMs, long start,
            String writeError) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        long deadline = start + timeoutMs * 1_000_000L;
        try {
            int last = 0;
            while (last != 0x0d0a0d0a) {
                int b = in.read();
                if (b < 0) {
                    return new Answer(0, Map.of(), "", false, false,
                            (writeError != null ? writeError + "; " : "") + "closed before an answer", millis(start));
                }
                head.write(b);
                last = (last << 8) | b;
                if (head.size() > 64 * 1024) {
                    return new Answer(0, Map.of(), "", false, false, "answer head over 64 KiB", millis(start));
                }
            }
        } catch (SocketTimeoutException e) {
            return new Answer(0, Map.of(), "", false, false, "no answer within " + timeoutMs + " ms", millis(start));
        } catch (IOException e) {
            return new Answer(0, Map.of(), "", false, false,
                    (writeError != null ? writeError + "; " : "") + "read: " + e.getMessage(), millis(start));
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = statusLine.length > 1 ? parseStatus(statusLine[1]) : 0;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        boolean eventStream = status == 200
                && headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean ended = true;
        String error = null;
        if (eventStream) {
            long streamDeadline = System.nanoTime() + (stream == Stream.GLANCE ? GLANCE_MS : streamMs) * 1_000_000L;
            ended = readUntil(in, socket, body, streamDeadline, Long.MAX_VALUE);
        } else {
            long length = headers.containsKey("content-length") ? parseLength(headers.get("content-length")) : -1;
            long limit = length >= 0 ? length : MAX_READ;
            if (!readUntil(in, socket, body, deadline, limit) && length != 0) {
                // a body that does not end is a failure unless it was only longer than we care to read
                error = body.size() >= MAX_READ ? null : "answer body did not end within " + timeoutMs + " ms";
            }
        }
        byte[] bytes = body.toByteArray();
        if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            bytes = dechunk(bytes);
        }
        String text = new String(bytes, 0, Math.min(bytes.length, KEEP), StandardCharsets.UTF_8);
        return new Answer(status, headers, text, eventStream, ended, error, millis(start));
    }

    /** Reads into {@code body} until the end of the stream, {@code limit} bytes, or the deadline (false). */
    private static boolean readUntil(InputStream in, Socket socket, ByteArrayOutputStream body, long deadline,
            long limit) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        while (body.size() < limit && body.size() < MAX_READ) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(left, Integer.MAX_VALUE)));
            int n;
            try {
                n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - body.size()));
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                // reset after the answer: what was read is the answer
                return true;
            }
            if (n < 0) {
                return true;
            }
            body.write(buffer, 0, n);
        }
        return body.size() >= limit;
    }

    private static byte[] dechunk(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < raw.length) {
            int lineEnd = indexOf(raw, i);
            if (lineEnd < 0) {
                break;
            }
            String size = new String(raw, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int n;
            try {
                n = Integer.parseInt(size, 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (n == 0) {
                break;
            }
            int from = lineEnd + 2;
            int to = Math.min(raw.length, from + n);
            out.write(raw, from, to - from);
            i = to + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int parseStatus(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseLength(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000L;
    }
}
