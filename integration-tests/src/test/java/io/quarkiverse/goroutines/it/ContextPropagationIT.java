package io.quarkiverse.goroutines.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ContextPropagationTest} against the production jar. */
@QuarkusIntegrationTest
class ContextPropagationIT extends ContextPropagationTest {
}
