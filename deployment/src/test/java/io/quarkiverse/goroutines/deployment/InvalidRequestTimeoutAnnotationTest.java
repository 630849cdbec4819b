package io.quarkiverse.goroutines.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkiverse.goroutines.runtime.RequestTimeout;
import io.quarkus.test.QuarkusUnitTest;

/** A negative {@code @RequestTimeout} fails the build, naming the method and the allowed values. */
class InvalidRequestTimeoutAnnotationTest {

    @RegisterExtension
    static final QuarkusUnitTest app = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(Negative.class))
            .assertException(t -> assertEquals("@RequestTimeout(-5) on "
                    + "io.quarkiverse.goroutines.deployment.InvalidRequestTimeoutAnnotationTest$Negative#get() is out "
                    + "of range: allowed 0 (no deadline) or 1ms..1h", rootMessage(t)));

    @Path("/negative")
    public static class Negative {
        @GET
        @RequestTimeout(-5)
        public String get() {
            return "never";
        }
    }

    static String rootMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IllegalArgumentException && c.getMessage() != null
                    && c.getMessage().startsWith("@RequestTimeout")) {
                return c.getMessage();
            }
        }
        throw new AssertionError("no @RequestTimeout IllegalArgumentException in the cause chain", t);
    }

    @Test
    void buildFails() {
        fail("the build should have failed");
    }
}
