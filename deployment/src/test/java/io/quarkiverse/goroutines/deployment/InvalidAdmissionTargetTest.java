package io.quarkiverse.goroutines.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** An admission target below its range fails start-up with the full property name. */
class InvalidAdmissionTargetTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withEmptyApplication()
            .overrideRuntimeConfigKey("quarkus.goroutines.admission.target", "0.0005s")
            .assertException(t -> assertEquals(
                    "quarkus.goroutines.admission.target=500us is out of range: allowed 1ms..10m",
                    InvalidValues.rootMessage(t)));

    @Test
    void startupFails() {
        fail("start-up should have failed");
    }
}
