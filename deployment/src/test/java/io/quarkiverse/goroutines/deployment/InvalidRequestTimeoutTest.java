package io.quarkiverse.goroutines.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** A request deadline out of range fails start-up naming the property, the value and the allowed range. */
class InvalidRequestTimeoutTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withEmptyApplication()
            .overrideRuntimeConfigKey("quarkus.goroutines.request.timeout", "0s")
            .assertException(t -> assertEquals("quarkus.goroutines.request.timeout=PT0S is out of range: allowed 1ms..1h",
                    InvalidValues.rootMessage(t)));

    @Test
    void startupFails() {
        fail("start-up should have failed");
    }
}
