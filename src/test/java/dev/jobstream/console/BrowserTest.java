package dev.jobstream.console;

import java.net.URL;

import org.junit.jupiter.api.BeforeAll;

import dev.jobstream.support.DatabaseTest;
import io.quarkus.test.common.http.TestHTTPResource;

/** Base of the console's browser tests: the service's URL, and chromium, node and playwright-core at hand. */
abstract class BrowserTest extends DatabaseTest {

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void browser() throws Exception {
        Browser.require();
    }
}
