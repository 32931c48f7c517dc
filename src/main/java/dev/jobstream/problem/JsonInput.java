package dev.jobstream.problem;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * How request bodies are read, for every resource alike: a field given twice is refused (which of the two would count
 * is anybody's guess), and an unpaired surrogate in a string — valid JSON, but no character, and bytes that
 * PostgreSQL refuses as UTF-8 — becomes U+FFFD, as in what jobs report. A NUL is refused where it would be stored.
 */
@Singleton
public class JsonInput implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.registerModule(new SimpleModule("jobstream-json-input").addDeserializer(String.class,
                new WellFormedStrings()));
    }

    /** Strings without unpaired surrogates. */
    static final class WellFormedStrings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return wellFormed(super.deserialize(parser, context));
        }
    }

    /** The text with each unpaired surrogate replaced by U+FFFD (null stays null). */
    public static String wellFormed(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder fixed = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (fixed != null) {
                    fixed.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (fixed == null) {
                    fixed = new StringBuilder(text.length()).append(text, 0, i);
                }
                fixed.append('\uFFFD');
            } else if (fixed != null) {
                fixed.append(c);
            }
        }
        return fixed == null ? text : fixed.toString();
    }
}
