package io.quarkiverse.goroutines.it;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Test profile: the demo app with every G a virtual thread (the test profile's default is platform mode). The
 * max-threads=8 of the test profile stays; max-runnable goes back to its default, since parked Gs are cheap and a
 * wide fan-out queues many Gs at once.
 */
public class VirtualMode implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.goroutines.mode", "virtual", "quarkus.goroutines.max-runnable", "10000");
    }
}
