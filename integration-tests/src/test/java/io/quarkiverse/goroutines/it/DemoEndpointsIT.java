package io.quarkiverse.goroutines.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link DemoEndpointsTest} against the production jar. */
@QuarkusIntegrationTest
class DemoEndpointsIT extends DemoEndpointsTest {
}
