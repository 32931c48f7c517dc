package dev.jobstream.attempt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.vertx.core.json.JsonObject;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** What {@link Storable} makes of any string: storable in PostgreSQL text and jsonb, within its length, else unchanged. */
class StorableProperties {

    @Property(tries = 2000)
    void cleanedTextHasNoNulNoUnpairedSurrogateAndFitsItsLength(
            @ForAll @StringLength(max = 300) @CharRange(from = '\u0000', to = '\uFFFF') String text,
            @ForAll @IntRange(min = 2, max = 400) int max) {
        String clean = Storable.text(text, max);
        assertTrue(clean.length() <= max, "length " + clean.length() + " > " + max);
        assertFalse(clean.indexOf('\u0000') >= 0, "a NUL is left");
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertTrue(i + 1 < clean.length() && Character.isLowSurrogate(clean.charAt(i + 1)), "unpaired high");
                i++;
            } else {
                assertFalse(Character.isLowSurrogate(c), "unpaired low");
            }
        }
    }

    @Property(tries = 1000)
    void cleanTextThatFitsIsLeftAsItIs(@ForAll @StringLength(max = 100) @CharRange(from = 'a', to = 'z') String text) {
        assertEquals(text, Storable.text(text, 100));
    }

    @Property(tries = 500)
    void cleanedMetricsEncodeAsJson(@ForAll @StringLength(max = 20) String key,
            @ForAll @StringLength(max = 20) String value,
            @ForAll double number) {
        Map<String, Object> metrics = Storable
                .metrics(Map.of(key, value, key + "n", number, key + "m", Map.of(key, value)));
        String json = new JsonObject(metrics).encode();
        assertFalse(json.contains("\\u0000"), json);
        assertFalse(json.contains("NaN") && !key.contains("NaN") && !value.contains("NaN"), json);
    }
}
