package io.quarkiverse.goroutines.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** A negative bound fails start-up naming {@code quarkus.goroutines.max-runnable}. */
class InvalidMaxRunnableTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withEmptyApplication()
            .overrideRuntimeConfigKey("quarkus.goroutines.max-runnable", "-1")
            .assertException(t -> assertEquals(
                    "quarkus.goroutines.max-runnable=-1 is out of range: allowed 1..2147483647",
                    InvalidValues.rootMessage(t)));

    @Test
    void startupFails() {
        fail("start-up should have failed");
    }
}
