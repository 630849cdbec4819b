package io.quarkiverse.goroutines.it;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** The channel fan-out demo in virtual mode: the gathering G and its workers park on the channel. */
@QuarkusTest
@TestProfile(VirtualMode.class)
class ChannelResourceVirtualTest extends ChannelResourceTest {
}
