package io.quarkiverse.goroutines.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.quarkiverse.goroutines.runtime.Goroutines;
import io.quarkiverse.goroutines.scheduler.SchedulerMode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link RequestDeadlineTest} with every G a virtual thread. */
@QuarkusTest
@TestProfile(VirtualMode.class)
class RequestDeadlineVirtualTest extends RequestDeadlineTest {

    /** The inherited deadline tests mean something here only if the Gs really are virtual threads. */
    @Test
    void requestsRunAsVirtualGs() {
        assertEquals(SchedulerMode.VIRTUAL, Goroutines.executor().scheduler().mode(),
                Goroutines.executor().scheduler().modeReason());
    }
}
