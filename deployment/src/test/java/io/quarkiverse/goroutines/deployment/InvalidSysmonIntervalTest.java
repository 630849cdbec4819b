package io.quarkiverse.goroutines.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

/** A duration below its range (here below another setting) fails start-up with the full property name. */
class InvalidSysmonIntervalTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withEmptyApplication()
            .overrideRuntimeConfigKey("quarkus.goroutines.sysmon.min-interval", "5ms")
            .overrideRuntimeConfigKey("quarkus.goroutines.sysmon.max-interval", "1ms")
            .assertException(t -> assertEquals(
                    "quarkus.goroutines.sysmon.max-interval=1ms is out of range: allowed 5ms..1s",
                    InvalidValues.rootMessage(t)));

    @Test
    void startupFails() {
        fail("start-up should have failed");
    }
}
