package dev.jobstream.openapi;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link OpenApiTest} against the packaged application (the jar, or the native executable with -Pnative). */
@QuarkusIntegrationTest
class OpenApiIT extends OpenApiTest {
}
