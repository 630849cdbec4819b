package io.quarkiverse.goroutines.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** An out-of-range value fails start-up naming the property, the value and the allowed range. */
class InvalidProcsTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withEmptyApplication()
            .overrideRuntimeConfigKey("quarkus.goroutines.procs", "0")
            .assertException(t -> assertEquals("quarkus.goroutines.procs=0 is out of range: allowed 1..1024",
                    InvalidValues.rootMessage(t)));

    @Test
    void startupFails() {
        fail("start-up should have failed");
    }
}
