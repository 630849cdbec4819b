package io.quarkiverse.goroutines.it;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Test profile: the demo app with every G a virtual thread (the test profile's default is platform mode). */
public class VirtualMode implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.goroutines.mode", "virtual");
    }
}
