package dev.jobstream.run;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link RunLifecycleTest} against the packaged application (the jar, or the native executable with -Pnative). */
@QuarkusIntegrationTest
class RunLifecycleIT extends RunLifecycleTest {
}
