package io.quarkiverse.goroutines.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark with tiny settings, so that none of them rots: the full runs stay out of the build (see
 * docs/benchmarks.md). Nothing here judges speed; a smoke run fails only when a benchmark throws, reports no score,
 * or a server serves no requests or answers with errors.
 */
class BenchmarksSmokeTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** Every JMH benchmark and executor, in this JVM, one 100 ms iteration without warm-up. */
    @Test
    void everyJmhBenchmarkRuns() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include(getClass().getPackageName() + "\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build()).run();
        TreeSet<String> ran = new TreeSet<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.(\\w+\\.\\w+)$", "$1") + " "
                    + r.getParams().getParam("executor");
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), name + " scored " + score);
            ran.add(name);
        }
        System.out.println("[benchmarks-smoke] JMH ran " + ran.size() + ": " + ran);
        assertEquals(
                List.of("Channels.buffered", "Channels.pingPong", "Handoff.handoff", "MixedBlocking.batch",
                        "OneInTenBlocks.others", "SpinCost.spin50us",
                        "TinyTasks.inside", "TinyTasks.outside"),
                ran.stream().map(n -> n.substring(0, n.indexOf(' '))).distinct().toList());
        assertTrue(ran.contains("Handoff.handoff gmp-syscall") && ran.contains("TinyTasks.inside fjp")
                && ran.contains("Channels.pingPong gmp-virtual"), ran.toString());
    }

    /** The HTTP comparison script in --smoke mode: every server and workload for a second each. */
    @Test
    void httpScriptSmokeRun() throws Exception {
        Path jar = ROOT.resolve("integration-tests/target/quarkus-app/quarkus-run.jar");
        assumeTrue(Files.exists(jar), "SKIPPED: no demo jar at " + jar + " (build integration-tests first)");
        assumeTrue(onPath("wrk"), "SKIPPED: wrk is not installed (apt-get install wrk)");
        assumeTrue(onPath("python3"), "SKIPPED: python3 is not installed");
        ProcessBuilder pb = new ProcessBuilder("python3", "benchmarks/http/bench.py", "--smoke", "--lock", "",
                "--java", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--jar", jar.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true);
        Process p = pb.start();
        try (BufferedReader out = p.inputReader()) {
            out.lines().forEach(System.out::println); // ends when the script does
        }
        if (!p.waitFor(1, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the HTTP smoke run closed its output but did not exit");
        }
        assertEquals(0, p.exitValue(), "benchmarks/http/bench.py --smoke failed; its output is above");
    }

    /** The Go side of the channel benchmarks, one short run of each. */
    @Test
    void goChannelProgramRuns() throws Exception {
        assumeTrue(onPath("go"), "SKIPPED: go is not installed (apt-get install golang-go)");
        Process p = new ProcessBuilder("go", "run", "./chan", "-runs", "1")
                .directory(ROOT.resolve("benchmarks/go").toFile())
                .redirectErrorStream(true)
                .start();
        String out;
        try (BufferedReader r = p.inputReader()) {
            out = String.join("\n", r.lines().toList());
        }
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "go run did not exit");
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("go-chan pingpong: ") && out.contains("go-chan buffered: "), out);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
