package dev.smok.bench;

import dev.smok.cpu.CpuExecutable;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** MLP 784-512-512-10: a whole SGD training step at batch 64 and inference at batch 1, 2 threads. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MlpBenchmark {
    private CpuExecutable train, infer;

    @Setup(Level.Trial) public void setup() {
        train = BenchSupport.compile(MlpGraphs.mlpTrain(64, false, 784, 512, 512, 10), 2);
        infer = BenchSupport.compile(MlpGraphs.mlpForward(1, 784, 512, 512, 10), 2);
    }

    @Benchmark public void trainStepBatch64() { train.run(); }

    @Benchmark public void inferBatch1() { infer.run(); }

    @TearDown(Level.Trial) public void close() {
        train.close();
        infer.close();
    }
}
