package dev.jobstream.client;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link JobstreamClientTest} against the packaged application: the Java caller library against a real replica. */
@QuarkusIntegrationTest
class JobstreamClientIT extends JobstreamClientTest {
}
