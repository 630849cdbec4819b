package io.quarkiverse.goroutines.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ConcurrencyTest} against the production jar. */
@QuarkusIntegrationTest
class ConcurrencyIT extends ConcurrencyTest {
}
