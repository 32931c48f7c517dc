package dev.jobstream.problem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;

import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

/**
 * Request bodies are read whole before they are parsed, within {@value #MAX_BYTES} bytes: a larger one sent without
 * a length (chunked), which the HTTP server would take up to its own limit (1 MiB), is a 413 problem, as a larger
 * declared length is before the body is read ({@code BodyLimitFilter}). A body parameter marked {@link Large} (a
 * batch of triggers) is held to the HTTP server's limit alone.
 */
@Provider
public class BodySize implements ReaderInterceptor {

    public static final int MAX_BYTES = 64 * 1024;

    /** A body parameter that may be as large as the HTTP server takes. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Large {
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (Arrays.stream(context.getAnnotations()).noneMatch(Large.class::isInstance)) {
            byte[] body = context.getInputStream().readNBytes(MAX_BYTES + 1);
            if (body.length > MAX_BYTES) {
                throw new ApiException(413, "Payload Too Large", "Request body is larger than " + MAX_BYTES
                        + " bytes");
            }
            context.setInputStream(new ByteArrayInputStream(body));
        }
        return context.proceed();
    }
}
