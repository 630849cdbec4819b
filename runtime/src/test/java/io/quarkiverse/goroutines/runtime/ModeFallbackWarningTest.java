package io.quarkiverse.goroutines.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.ShutdownContext;

/**
 * {@code mode=auto} that cannot run virtual mode starts in platform mode with one warning that gives the reason and
 * the fix. This test JVM is started without {@code --add-opens java.base/java.lang}, so the JDK refuses the
 * virtual-thread hook here, as it does under a launcher that drops the flag.
 */
class ModeFallbackWarningTest {

    private final Logger log = Logger.getLogger("io.quarkiverse.goroutines");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<Runnable> shutdownTasks = new ArrayList<>();

    @BeforeEach
    void capture() {
        log.addHandler(capture);
    }

    @AfterEach
    void stop() {
        for (int i = shutdownTasks.size() - 1; i >= 0; i--) {
            shutdownTasks.get(i).run();
        }
        log.removeHandler(capture);
    }

    private String start(String mode) {
        GoroutinesConfig config = SchedulerSettingsTest.mapping(Map.of("quarkus.goroutines.mode", mode,
                "quarkus.goroutines.procs", "1"));
        new GoroutinesRecorder(new RuntimeValue<>(config)).start(new ShutdownContext() {
            @Override
            public void addShutdownTask(Runnable task) {
                shutdownTasks.add(task);
            }

            @Override
            public void addLastShutdownTask(Runnable task) {
                shutdownTasks.add(0, task);
            }
        }, LaunchMode.NORMAL, null, null);
        return Goroutines.executor().scheduler().mode().name();
    }

    private List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogRecord::getMessage).toList();
    }

    @Test
    void autoFallingBackToPlatformWarnsOnceWithReasonAndFix() {
        assertEquals("PLATFORM", start("auto"), "this JVM does not open java.lang, so auto cannot run virtual");
        List<String> warnings = warnings();
        assertEquals(1, warnings.size(), "one warning: " + warnings);
        String w = warnings.get(0);
        assertTrue(w.startsWith("Goroutines: quarkus.goroutines.mode=auto fell back to platform mode: "), w);
        assertTrue(w.contains(Goroutines.executor().scheduler().modeReason()), w);
        String fix = Runtime.version().feature() < 21 ? "run on Java 21 or later"
                : "start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED";
        assertTrue(w.contains("For virtual mode, " + fix), w);
        assertTrue(w.endsWith("set quarkus.goroutines.mode=platform"), w);
    }

    @Test
    void platformByChoiceDoesNotWarn() {
        assertEquals("PLATFORM", start("platform"));
        assertEquals(List.of(), warnings());
        assertTrue(records.stream().anyMatch(r -> r.getMessage().contains("mode=platform (platform mode configured)")),
                "the start-up line is still logged, so this test sees the log: " + records);
    }
}
