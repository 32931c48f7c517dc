package dev.jobstream.error;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ProblemResponsesTest} against the packaged application (the jar, or the native executable with -Pnative). */
@QuarkusIntegrationTest
class ProblemResponsesIT extends ProblemResponsesTest {
}
