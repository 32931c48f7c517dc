package dev.jobstream.stream;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link RunEventStreamTest} against the packaged application (the jar, or the native executable with -Pnative). */
@QuarkusIntegrationTest
class RunEventStreamIT extends RunEventStreamTest {
}
