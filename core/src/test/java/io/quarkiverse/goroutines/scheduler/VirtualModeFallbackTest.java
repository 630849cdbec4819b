package io.quarkiverse.goroutines.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A JVM that does not open {@code java.lang} refuses the virtual-thread hook: asking for virtual mode then runs the
 * scheduler in platform mode, with a warning that says why, and Gs still run. Checked in a fresh JVM started
 * without the {@code --add-opens} flag this build gives the test JVM.
 */
class VirtualModeFallbackTest {

    /** Run in the child JVM: asks for virtual mode, runs one G, prints the mode in effect and why. */
    public static void main(String[] args) throws Exception {
        Scheduler s = Scheduler.start(SchedulerConfig.builder().procs(1).mode(SchedulerMode.VIRTUAL).build());
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        s.execute(ran::countDown);
        boolean ok = ran.await(10, TimeUnit.SECONDS);
        System.out.println("mode=" + s.mode() + " ran=" + ok + " reason=" + s.modeReason());
        s.shutdownGracefully(java.time.Duration.ofSeconds(5));
    }

    @Test
    void refusedHookFallsBackToPlatformWithAWarning() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                VirtualModeFallbackTest.class.getName())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("mode=PLATFORM ran=true"), out);
        assertTrue(out.contains("virtual mode is not available, running in platform mode"), out);
        assertTrue(out.contains("--add-opens java.base/java.lang=ALL-UNNAMED") || out.contains("needs 21"), out);
    }
}
