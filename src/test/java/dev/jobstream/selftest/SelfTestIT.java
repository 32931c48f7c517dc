package dev.jobstream.selftest;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link SelfTestTest} against the packaged application (the jar, or the native executable with -Pnative). */
@QuarkusIntegrationTest
class SelfTestIT extends SelfTestTest {
}
