package io.quarkiverse.goroutines.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Intent: calibration only. Measures, on one thread and without any executor, the fixed CPU work that one
 * {@link MixedBlocking} task does, so that the report can say what "~50 µs" really was on the machine at hand.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SpinCost {
    /** Chosen once so that the loop takes ~50 µs on the reference machine (2 vCPU, JDK 25). */
    static final int STEPS_50US = 33_000;

    private long seed = 1;

    @Benchmark
    public void spin50us() {
        Work.spin(seed++, STEPS_50US);
    }
}
