package dev.jobstream.api;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Hostile values, by what a field is (its schema's type and format, and its name): NUL and control characters,
 * invalid UTF-8, 100 KB strings, numbers at and past every bound, wrong JSON types, deep nesting, out-of-range
 * durations and timestamps, forged cursors and ids. A {@link Value} is either a text (JSON-encoded in a body,
 * percent-encoded in a URL, UTF-8 in a header) or raw bytes put in as they are (a JSON fragment in a body, already
 * encoded text in a URL, the exact bytes of a header).
 */
final class Hostile {

    /** Where a value goes. */
    enum Where {
        PATH, QUERY, HEADER, BODY
    }

    /** A hostile value and a short label that says what it is. */
    record Value(String label, String text, byte[] raw) {

        static Value text(String label, String text) {
            return new Value(label, text, null);
        }

        static Value raw(String label, String raw) {
            return new Value(label, null, raw.getBytes(StandardCharsets.UTF_8));
        }

        static Value bytes(String label, byte[] raw) {
            return new Value(label, null, raw);
        }

        byte[] json() {
            return raw != null ? raw : jsonString(text).getBytes(StandardCharsets.UTF_8);
        }

        byte[] url() {
            return raw != null ? raw : percentEncode(text).getBytes(StandardCharsets.US_ASCII);
        }

        byte[] header() {
            return raw != null ? raw : text.getBytes(StandardCharsets.UTF_8);
        }
    }

    static final String HUGE = "x".repeat(100_000);
    static final byte[] INVALID_UTF8_OBJECT = {'{', '"', 'p', 'a', 'r', 'a', 'm', 's', '"', ':', '{', '"', (byte) 0xC3,
            (byte) 0x28, '"', ':', '1', '}', '}'};

    private final Random random;
    private final Arbitrary<String> anyString = Arbitraries.strings().all().ofMinLength(0).ofMaxLength(40);
    private final Arbitrary<Long> anyLong = Arbitraries.longs();

    Hostile(Random random) {
        this.random = random;
    }

    // ---- strings ----

    /** Strings that no field should take as they are; none holds a word the leak check looks for. */
    List<Value> strings(Where where) {
        List<Value> values = new ArrayList<>(List.of(
                Value.text("empty", ""),
                Value.text("space", " "),
                Value.text("NUL", "\u0000"),
                Value.text("NUL inside", "a\u0000b"),
                Value.text("control characters", "\u0001\u0002\u0007\u001b\u001f"),
                Value.text("DEL", "\u007f"),
                Value.text("CR LF", "a\r\nb: c"),
                Value.text("tab", "\t"),
                Value.text("line separators", "\u2028\u2029\u0085"),
                Value.text("BOM", "\uFEFFx"),
                Value.text("emoji", "\uD83D\uDE00"),
                Value.text("right-to-left override", "\u202Eevil"),
                Value.text("100 KB", HUGE),
                Value.text("4097 chars", "y".repeat(4097)),
                Value.text("1001 chars", "z".repeat(1001)),
                Value.text("201 chars", "w".repeat(201)),
                Value.text("quote", "' OR '1'='1"),
                Value.text("statement", "1; DROP TABLE job_runs"),
                Value.text("path traversal", "../../etc/passwd"),
                Value.text("percent", "%00%zz%"),
                Value.text("template", "${jndi:ldap://x/a}"),
                Value.text("html", "<script>alert(1)</script>"),
                Value.text("literal null", "null"),
                random()));
        switch (where) {
            case BODY -> {
                values.add(Value.raw("lone surrogate (escaped)", "\"\\ud800\""));
                values.add(Value.raw("lone high surrogate, then a non-ASCII character", "\"a\\udbf4\\u00e9b\""));
                values.add(Value.raw("lone low surrogate, then a CJK character", "\"\\udc00\\u4e2d\""));
                values.add(Value.raw("raw control character in a string", "\"a\u0001b\""));
                values.add(Value.raw("escaped NUL", "\"\\u0000\""));
                values.add(Value.bytes("invalid UTF-8 (C3 28)", new byte[]{'"', (byte) 0xC3, 0x28, '"'}));
                values.add(Value.bytes("invalid UTF-8 (FF FE)", new byte[]{'"', (byte) 0xFF, (byte) 0xFE, '"'}));
                values.add(Value.bytes("overlong NUL (C0 80)", new byte[]{'"', (byte) 0xC0, (byte) 0x80, '"'}));
                values.add(Value.bytes("UTF-8 surrogate (ED A0 80)",
                        new byte[]{'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'}));
                values.add(Value.raw("unterminated string", "\"abc"));
            }
            case PATH, QUERY -> {
                values.add(Value.raw("%00", "%00"));
                values.add(Value.raw("%00 inside", "a%00b"));
                values.add(Value.raw("%C3%28", "%C3%28"));
                values.add(Value.raw("%FF%FE", "%FF%FE"));
                values.add(Value.raw("%C0%80", "%C0%80"));
                values.add(Value.raw("%ED%A0%80", "%ED%A0%80"));
                values.add(Value.raw("bad escape %zz", "%zz"));
                values.add(Value.raw("lone %", "%"));
                values.add(Value.bytes("raw invalid UTF-8 (C3 28)", new byte[]{(byte) 0xC3, 0x28}));
                values.add(Value.bytes("raw byte FF", new byte[]{(byte) 0xFF}));
                values.add(Value.raw("encoded slash traversal", "..%2F..%2Fetc%2Fpasswd"));
                values.add(Value.raw("%2e%2e%2f", "%2e%2e%2f"));
            }
            case HEADER -> {
                values.add(Value.bytes("raw NUL", new byte[]{'a', 0, 'b'}));
                values.add(Value.bytes("raw invalid UTF-8 (C3 28)", new byte[]{(byte) 0xC3, 0x28}));
                values.add(Value.bytes("raw byte FF", new byte[]{(byte) 0xFF}));
                values.add(Value.bytes("raw overlong NUL (C0 80)", new byte[]{(byte) 0xC0, (byte) 0x80}));
                values.add(Value.bytes("raw bare CR", new byte[]{'a', '\r', 'b'}));
                values.add(Value.text("8 KB", "h".repeat(8 * 1024)));
            }
            default -> throw new IllegalArgumentException(where.toString());
        }
        return values;
    }

    /** A random string of any characters (jqwik's generator, seeded by the fuzzer's Random), shown escaped. */
    private Value random() {
        String text = anyString.generator(1000).next(random).value();
        return Value.text("random " + visible(text), text);
    }

    /** Text with its control characters, non-ASCII and surrogates shown as escapes. */
    static String visible(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(c < 0x20 || c >= 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.length() > 80 ? out.substring(0, 80) + "…" : out.toString();
    }

    /** Forged leases, near the real one ({@code <attempt>.<worker id>}). */
    List<Value> leases(String real) {
        List<Value> values = new ArrayList<>();
        String worker = real == null ? "fuzz-fixture" : real.substring(real.indexOf('.') + 1);
        int attempt = real == null ? 1 : Integer.parseInt(real.substring(0, real.indexOf('.')));
        for (String lease : List.of((attempt + 1) + "." + worker, (attempt - 1) + "." + worker, "0." + worker,
                "-1." + worker, "999999999." + worker, "2147483648." + worker, "9999999999." + worker,
                attempt + ".other-worker", attempt + ".", "." + worker, attempt + "." + "w".repeat(101),
                attempt + "." + worker + "\u0000", attempt + "." + worker + " ", "01." + worker,
                "\uff11." + worker, attempt + "." + worker + "/x", attempt + ".." + worker)) {
            values.add(Value.text("lease " + visible(lease.length() > 40 ? lease.substring(0, 40) + "…" : lease),
                    lease));
        }
        return values;
    }

    // ---- numbers ----

    /** Numbers at and past every bound: int32, int64, the schema's minimum and maximum, and not-integers. */
    List<Value> numbers(String name, JsonObject schema, Where where) {
        List<String> numbers = new ArrayList<>(List.of("0", "-1", "-0", "1", "2147483647", "2147483648", "-2147483648",
                "-2147483649", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                "-9223372036854775809", "99999999999999999999999999", "1e308", "-1e308", "1e309", "1.5", "0.1",
                "1E2", "1e-400", "0x10", "NaN", "Infinity", "-Infinity", "+1", "01", "1_000"));
        BigDecimal min = decimal(schema.getValue("minimum"));
        BigDecimal max = decimal(schema.getValue("maximum"));
        if (min != null) {
            numbers.add(min.subtract(BigDecimal.ONE).toPlainString());
            numbers.add(min.toPlainString());
            numbers.add(min.subtract(new BigDecimal("0.5")).toPlainString());
        }
        if (max != null) {
            numbers.add(max.add(BigDecimal.ONE).toPlainString());
            numbers.add(max.add(new BigDecimal("0.5")).toPlainString());
            if (!name.equals("wait")) {
                // a valid wait of a whole minute would only be a long poll that holds the fuzzer
                numbers.add(max.toPlainString());
            }
        }
        long any = anyLong.generator(1000).next(random).value();
        if (!name.equals("wait") || any < 3 || any > 300) {
            // a valid wait (up to 300 s) of more than a few seconds would only be a long poll that holds the fuzzer
            numbers.add(Long.toString(any));
        }
        List<Value> values = new ArrayList<>();
        for (String number : numbers) {
            boolean json = where == Where.BODY && number.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
            values.add(json ? Value.raw(number, number) : Value.text(number, number));
        }
        if (where == Where.BODY) {
            values.add(Value.text("number as a string", "5"));
            values.add(Value.raw("255 digits", "9".repeat(255)));
            values.add(Value.raw("100,000 digits", "9".repeat(100_000)));
            values.add(Value.raw("exponent 999999999", "1e999999999"));
        } else {
            values.add(Value.text("255 digits", "9".repeat(255)));
            values.add(Value.text("spaces around", " 1 "));
        }
        return values;
    }

    List<Value> booleans(Where where) {
        List<Value> values = new ArrayList<>(List.of(Value.text("yes", "yes"), Value.text("TRUE", "TRUE"),
                Value.text("2", "2"), Value.text("maybe", "maybe"),
                Value.text("1", "1"), Value.text("true with NUL", "true\u0000"), Value.text("t", "t")));
        if (where == Where.BODY) {
            values.add(Value.text("true as a string", "true"));
            values.add(Value.raw("1", "1"));
            values.add(Value.raw("0", "0"));
        }
        return values;
    }

    /** Values of another JSON type than the field's, and a null. */
    List<Value> wrongTypes() {
        return List.of(Value.raw("null", "null"), Value.raw("true", "true"), Value.raw("number 7", "7"),
                Value.raw("number 1.5", "1.5"), Value.text("string", "text"), Value.raw("empty array", "[]"),
                Value.raw("array of null", "[null]"), Value.raw("empty object", "{}"),
                Value.raw("object", "{\"a\":1}"));
    }

    /** Objects: deep, wide, huge, with odd keys and bad values. */
    List<Value> objects() {
        return OBJECTS;
    }

    private static final List<Value> OBJECTS = List.of(
            Value.raw("3000 levels of objects", "{\"a\":".repeat(3000) + "1" + "}".repeat(3000)),
            Value.raw("100,000 levels of arrays", "[".repeat(100_000) + "]".repeat(100_000)),
            Value.raw("200 levels of objects", "{\"a\":".repeat(200) + "1" + "}".repeat(200)),
            Value.raw("20,000 keys", wideObject(20_000)),
            Value.raw("NUL key", "{\"\\u0000\":1}"),
            Value.raw("NUL value", "{\"a\":\"\\u0000\"}"),
            Value.raw("lone surrogate value", "{\"a\":\"\\udc00\"}"),
            Value.raw("17 KB value", "{\"a\":\"" + "v".repeat(17 * 1024) + "\"}"),
            Value.raw("60 KB value", "{\"a\":\"" + "v".repeat(60 * 1024) + "\"}"),
            Value.raw("duplicate keys", "{\"items\":1,\"items\":2}"),
            Value.raw("items past int32", "{\"items\":2147483648}"),
            Value.raw("items 1e308", "{\"items\":1e308}"),
            Value.raw("items negative", "{\"items\":-1}"),
            Value.raw("items decimal", "{\"items\":1.5}"),
            Value.raw("items string", "{\"items\":\"5\"}"),
            Value.raw("items object", "{\"items\":{}}"),
            Value.raw("delay_ms past its maximum", "{\"items\":1,\"delay_ms\":60001}"),
            Value.raw("fail_at 0", "{\"fail_at\":0}"),
            Value.raw("unknown param", "{\"nope\":1}"),
            Value.raw("number keys", "{\"1\":1,\"2\":[1,2,3]}"),
            Value.bytes("invalid UTF-8 key", new byte[]{'{', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'}),
            Value.raw("unclosed", "{\"a\":1"),
            Value.raw("trailing comma", "{\"a\":1,}"),
            Value.raw("single quotes", "{'a':1}"));

    /** Arrays: empty, of nulls, of wrong items, past a maximum count, deep. */
    List<Value> arrays(JsonObject schema, String validItem) {
        List<Value> values = new ArrayList<>(List.of(Value.raw("empty array", "[]"), Value.raw("[null]", "[null]"),
                Value.raw("[1]", "[1]"), Value.raw("[\"\\u0000\"]", "[\"\\u0000\"]"), Value.raw("[[]]", "[[]]"),
                Value.raw("[{}]", "[{}]"), Value.raw("10,000 levels", "[".repeat(10_000) + "]".repeat(10_000)),
                Value.raw("100,000 numbers", "[" + "1,".repeat(99_999) + "1]")));
        int max = schema.getInteger("maxItems", 100);
        int min = schema.getInteger("minItems", 0);
        if (validItem != null) {
            values.add(Value.raw((max + 1) + " valid items", "[" + (validItem + ",").repeat(max) + validItem + "]"));
            values.add(Value.raw(max + " valid items", "[" + (validItem + ",").repeat(max - 1) + validItem + "]"));
            values.add(Value.raw("a valid item and a null", "[" + validItem + ",null]"));
            values.add(Value.raw("the same item twice", "[" + validItem + "," + validItem + "]"));
        }
        if (min > 1) {
            values.add(Value.raw((min - 1) + " items", "[" + "1,".repeat(min - 2) + "1]"));
        }
        return values;
    }

    // ---- by meaning ----

    /** Ids: forged, malformed, of another kind; {@code real} are ids that exist (of any kind). */
    List<Value> uuids(List<String> real) {
        List<Value> values = new ArrayList<>(List.of(Value.text("random UUID", UUID.randomUUID().toString()),
                Value.text("nil UUID", "00000000-0000-0000-0000-000000000000"),
                Value.text("max UUID", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
                Value.text("short UUID", "00000000-0000-0000-0000-0000"),
                Value.text("non-canonical UUID", "1-1-1-1-1"),
                Value.text("UUID of letters", "ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ"),
                Value.text("UUID without dashes", UUID.randomUUID().toString().replace("-", "")),
                Value.text("braced UUID", "{" + UUID.randomUUID() + "}"),
                Value.text("URN UUID", "urn:uuid:" + UUID.randomUUID()),
                Value.text("1000 chars", "a".repeat(1000)),
                Value.text("3000 chars", "b".repeat(3000)),
                Value.text("number", "99999999999999999999999"),
                Value.text("minus one", "-1"), Value.text("zero", "0"), Value.text("empty object", "{}"),
                Value.text("null", "null")));
        for (String id : real) {
            values.add(Value.text("an existing id", id));
            values.add(Value.text("an existing id in upper case", id.toUpperCase(Locale.ROOT)));
            values.add(Value.text("an existing id and a space", id + " "));
            values.add(Value.text("an existing id and NUL", id + "\u0000"));
            values.add(Value.text("an existing id and more", id + "0"));
        }
        return values;
    }

    /** Numbered ids (int64), such as error events'. */
    List<Value> longIds(List<String> real) {
        List<Value> values = new ArrayList<>();
        for (String id : List.of("0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                "2147483648", "1e3", "1.0", "+1", "01", "0x1", "abc", "99999999999999999999999")) {
            values.add(Value.text(id, id));
        }
        for (String id : real) {
            values.add(Value.text("an existing id", id));
            values.add(Value.text("an existing id and NUL", id + "\u0000"));
            values.add(Value.text("an existing id, decimal", id + ".0"));
        }
        return values;
    }

    /** ISO-8601 and short durations at and past their bounds. */
    List<Value> durations() {
        List<Value> values = new ArrayList<>();
        for (String d : List.of("PT99999999999999999S", "PT9999999999999999S", "PT9300000000000S",
                "PT9223372036854775807S", "PT9223372036854775808S", "P999999999D", "P106751991167300D",
                "PT2562047788015215H", "-PT1S", "PT-1S", "PT0S", "PT0.000001S", "PT0.0000000001S", "90d",
                "999999999d", "9223372036854775807s", "9223372036854775807ms", "2147483648s", "99999999999999999999m",
                "0s", "-1s", "1.5h", "1y", "P1Y", "P1M", "PT", "P", "1", "s", "1 h", "PT1S\u0000")) {
            values.add(Value.text(d, d));
        }
        return values;
    }

    /** Instants out of range and malformed. */
    List<Value> timestamps() {
        List<Value> values = new ArrayList<>();
        for (String t : List.of("+999999999-12-31T23:59:59Z", "-290000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z",
                "294277-01-01T00:00:00Z", "+294276-12-31T23:59:59.999999Z", "-4714-11-23T00:00:00Z",
                "0000-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-01T00:00:00",
                "2024-01-01T00:00:00+25:00", "9999-12-31T23:59:59.999999999Z", "2024-01-01T24:00:00Z", "tomorrow",
                "1700000000", Instant.now().minus(2, ChronoUnit.MINUTES).toString(),
                Instant.now().plus(36500, ChronoUnit.DAYS).toString())) {
            values.add(Value.text(t, t));
        }
        return values;
    }

    /** Forged cursors: of the run list (base64url of {@code r1:<micros>:<uuid>}) and of the error list. */
    List<Value> cursors() {
        String id = UUID.randomUUID().toString();
        List<Value> values = new ArrayList<>();
        for (String plain : List.of("r1:99999999999999999:" + id, "r1:9223372036854775807:" + id,
                "r1:-9223372036854775808:" + id, "r1:-99999999999999999:" + id,
                "r1:-300000000000000000:" + id, "r1:-1000000000000000000:" + id, "r1:9300000000000000000:" + id,
                "r1:-1:" + id, "r1:0:" + id,
                "r1:1:1-1-1-1-1", "r1:abc:" + id, "r1:1:" + id + ":x", "r2:1:" + id, "r1:", "r1:1",
                "r1:1e5:" + id, "r1:\u0000:" + id, "r1:1:" + id.toUpperCase(Locale.ROOT))) {
            values.add(Value.text("cursor of " + plain.replace("\u0000", "NUL"),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8))));
        }
        for (String raw : List.of("AAAA", "====", "e0", "e1", "e-1", "e999999999999999999", "e9223372036854775807",
                "e9223372036854775808", "E1", "Q".repeat(4000), "not base64!")) {
            values.add(Value.text("cursor " + (raw.length() > 30 ? raw.length() + " chars" : raw), raw));
        }
        values.add(Value.text("cursor padded base64",
                Base64.getUrlEncoder().encodeToString(("r1:1:" + id).getBytes(StandardCharsets.UTF_8))));
        values.add(Value.text("cursor, standard base64 of invalid UTF-8",
                Base64.getEncoder().encodeToString(new byte[]{'r', '1', ':', (byte) 0xC3, 0x28})));
        return values;
    }

    List<Value> crons() {
        List<Value> values = new ArrayList<>();
        for (String c : List.of("* * * * * *", "60 * * * *", "*/0 * * * *", "0 0 31 2 *", "0 0 30 2 *",
                "0 0 29 2 1", "0-999999999 * * * *", "1-2-3 * * * *", "*/2147483648 * * * *", "@yearly", "@reboot",
                "0 0 1 1 MON-SUN", "a b c d e", "* * * *", "1,".repeat(99) + "1 * * * *", "59-0 * * * *",
                "0 0 * * 8", "0 0 0 * *", "0 0 * 0 *", "0 0 * 13 *")) {
            values.add(Value.text(c.length() > 40 ? "cron of " + c.length() + " chars" : c, c));
        }
        return values;
    }

    List<Value> timeZones() {
        List<Value> values = new ArrayList<>();
        for (String z : List.of("Mars/Olympus", "UTC+99", "+25:00", "-18:01", "GMT+14", "Etc/GMT-14", "Z",
                "SystemV/EST5", "utc", "America/New_York\u0000", "Europe/../../etc/passwd", "UT+18:00:01",
                "EST")) {
            values.add(Value.text(z, z));
        }
        return values;
    }

    /** Job names: unknown, internal, malformed, too long, in another case. */
    List<Value> jobs() {
        List<Value> values = new ArrayList<>();
        for (String j : List.of("nope", "DEMO.SLEEP", "demo.sleep ", " demo.sleep", "demo.sleep\u0000", "runs.bulk",
                "selftest.sleep", "demo", "demo.", ".sleep", "-x", "a".repeat(100), "a".repeat(101),
                "a".repeat(201), "x".repeat(500), "demo.sleep'--", "Bad Name")) {
            values.add(Value.text(j.length() > 40 ? "job name of " + j.length() + " chars" : j, j));
        }
        return values;
    }

    /** Words near the values of a filter or an action (status, severity, kind, action). */
    List<Value> words() {
        List<Value> values = new ArrayList<>();
        for (String w : List.of("stale", "fatal", "ERROR", "Failed", "lower", "job_failed", "all", "*", "%",
                "failed,queued", "running ", "cancel\u0000", "retry;cancel")) {
            values.add(Value.text(visible(w), w));
        }
        return values;
    }

    /** Enumerated strings: near misses of the allowed values. */
    List<Value> enumerated(JsonArray allowed) {
        List<Value> values = new ArrayList<>();
        for (Object value : allowed) {
            String text = String.valueOf(value);
            values.add(Value.text(text + " in upper case", text.toUpperCase(Locale.ROOT)));
            values.add(Value.text(text + " and a space", text + " "));
            values.add(Value.text(text + " and NUL", text + "\u0000"));
        }
        values.add(Value.text("another enumeration's value", "stale"));
        return values;
    }

    // ---- headers ----

    List<Value> accepts() {
        List<Value> values = new ArrayList<>();
        for (String a : List.of("text/*", "*/*", "text/event-stream", "text/event-stream;q=0",
                "application/json, text/event-stream", "text/event-stream, application/json",
                "application/json;q=0, text/event-stream", "text/event-stream;q=0.5, application/json;q=0.9",
                "application/json;q=0", "application/xml", "text/plain", "text/html", "application/problem+json",
                "application/*", "*/*;q=abc", "*/*;q=-1", "*", "/", ";;;", "garbage", "", "application/json;charset=x",
                "text/event-stream;charset=utf-16", ("application/json, ").repeat(300) + "*/*")) {
            values.add(Value.text(a.length() > 60 ? "Accept of " + a.length() + " chars" : a, a));
        }
        values.add(Value.bytes("Accept with NUL", "text/\u0000event-stream".getBytes(StandardCharsets.UTF_8)));
        values.add(Value.bytes("Accept of invalid UTF-8", new byte[]{'t', 'e', 'x', 't', '/', (byte) 0xFF}));
        return values;
    }

    List<Value> contentTypes() {
        List<Value> values = new ArrayList<>();
        for (String c : List.of("text/plain", "application/x-www-form-urlencoded", "", "application/xml",
                "application/json; charset=ISO-8859-1", "application/json; charset=utf-16", "application/json;;",
                "multipart/form-data; boundary=x", "garbage", "*/*", "application/problem+json",
                "application/json; charset=\"", "text/event-stream")) {
            values.add(Value.text(c.isEmpty() ? "empty Content-Type" : c, c));
        }
        values.add(Value.bytes("Content-Type with NUL", "application/json\u0000".getBytes(StandardCharsets.UTF_8)));
        return values;
    }

    List<Value> lastEventIds() {
        List<Value> values = new ArrayList<>();
        for (String id : List.of("2147483647", "2147483646", "2147483648", "-1", "0", "1", "3", "9223372036854775808",
                "1e3", " 1", "1.0", "garbage", "", "0x10", "99999999999999999999")) {
            values.add(Value.text(id.isEmpty() ? "empty Last-Event-ID" : id, id));
        }
        values.add(Value.bytes("Last-Event-ID with NUL", new byte[]{'1', 0}));
        return values;
    }

    // ---- whole bodies ----

    /** Whole bodies: not JSON, of another top-level type, deep, huge, of invalid UTF-8; {@code valid} one that is. */
    List<Value> bodies(String valid) {
        List<Value> values = new ArrayList<>(BODIES);
        if (valid != null) {
            values.add(Value.raw("a valid body, then 70,000 spaces", valid + " ".repeat(70_000)));
            values.add(Value.raw("a valid body twice", valid + valid));
            values.add(Value.raw("a valid body in an array", "[" + valid + "]"));
            values.add(Value.raw("a valid body, trailing comma", valid.replaceFirst("}$", ",}")));
            values.add(Value.raw("a valid body with every key repeated", valid.replaceFirst("^\\{(.*)}$",
                    "{$1," + valid.substring(1))));
            ByteArrayOutputStream broken = new ByteArrayOutputStream();
            byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
            broken.write(bytes, 0, bytes.length - 1);
            broken.writeBytes(new byte[]{',', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'});
            values.add(Value.bytes("a valid body and a key of invalid UTF-8", broken.toByteArray()));
        }
        return values;
    }

    private static final List<Value> BODIES = bodies();

    private static List<Value> bodies() {
        List<Value> values = new ArrayList<>();
        for (String body : List.of("", " ", "{", "}", "[]", "null", "\"text\"", "123", "true", "{}", "{\"\":1}",
                "[".repeat(100_000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000),
                "[" + "{}, ".repeat(30_000) + "{}]", "{\"unknown\":1}", "\uFEFF{}", "{'single':1}",
                "{\"a\":1}garbage", "{}{}", "{\"a\":NaN}", "\u0000", "{\"a\":\"\u0001\"}",
                "{\"x\":\"" + "e".repeat(70_000) + "\"}", "{\"x\":\"" + "e".repeat(1_100_000) + "\"}",
                "/* comment */ {}", "{\"a\":1,}")) {
            values.add(Value.raw(bodyLabel(body), body));
        }
        values.add(Value.bytes("invalid UTF-8 object", INVALID_UTF8_OBJECT));
        values.add(Value.bytes("UTF-16 object", "{\"a\":1}".getBytes(StandardCharsets.UTF_16)));
        return values;
    }

    private static String bodyLabel(String body) {
        String shown = body.length() > 40 ? body.substring(0, 20) + "… (" + body.length() + " chars)" : body;
        return "body " + shown.replace("\u0000", "NUL").replace("\u0001", "\\u0001");
    }

    // ---- encoding ----

    /** JSON text of a string: escapes for quotes, backslashes, control characters and lone surrogates only. */
    static String jsonString(String text) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || (Character.isSurrogate(c) && !pair
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1))))) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    /** Percent-encodes every byte of the UTF-8 form that is not unreserved (RFC 3986). */
    static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static String wideObject(int keys) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < keys; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        return json.append('}').toString();
    }

    private static BigDecimal decimal(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        return new BigDecimal(value.toString());
    }
}
