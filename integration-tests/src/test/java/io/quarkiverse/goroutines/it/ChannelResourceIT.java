package io.quarkiverse.goroutines.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ChannelResourceTest} against the production jar. */
@QuarkusIntegrationTest
class ChannelResourceIT extends ChannelResourceTest {
}
