package io.quarkiverse.goroutines.it;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The context suite again in virtual mode: Vert.x context, request scope, MDC and security identity must reach a G
 * that is a virtual thread and that may resume on another M after it parks.
 */
@QuarkusTest
@TestProfile(VirtualMode.class)
class ContextPropagationVirtualTest extends ContextPropagationTest {
}
