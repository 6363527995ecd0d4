package dev.smok.bench;

import dev.smok.cpu.CpuExecutable;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The generated GEMM (a one-matmul graph compiled by the CPU backend) on the shapes,
 * M x N x K. GFLOP/s = 2*M*N*K / time. Run: see bench/README or gemm-vs-numpy.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"1024x1024x1024", "64x784x512", "256x4096x4096"})
    public String shape;

    @Param({"2"})
    public int threads;

    private CpuExecutable ex;

    @Setup(Level.Trial) public void setup() {
        int[] s = BenchSupport.parseShape(shape);
        ex = BenchSupport.compile(BenchSupport.gemm(s[0], s[1], s[2]), threads);
    }

    @Benchmark public void gemm() { ex.run(); }

    @TearDown(Level.Trial) public void close() { ex.close(); }
}
