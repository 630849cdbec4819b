package io.quarkiverse.goroutines.it;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RequestDeadlineTest} with every G a virtual thread. */
@QuarkusTest
@TestProfile(VirtualMode.class)
class RequestDeadlineVirtualTest extends RequestDeadlineTest {
}
