// Compile time of a recurrence does not grow with the sequence length (issue #9): a recurrent
// layer is one scan node whatever T, so compiling T = 1000 should cost about what T = 10 does.
// Compiles the adding problem's training step (LSTM of 32 units, dense output, MSE, Adam) on the
// CPU backend for T = 10 and T = 1000, alternating, and prints the median of each and the ratio.
//
// The compile time includes allocating the executable's arena, which does grow with T: backpropagation
// through time keeps every step's activations. The script prints the arena's size and the time a
// plain float[] of that size takes to allocate, to tell the two apart.
//
// Run:  ./smok run examples/recurrent-compile-time.jsh
// Knobs (system properties, e.g. JAVA_TOOL_OPTIONS=-Drounds=9): rounds (default 5), batch (default 32).

int rounds = Integer.getInteger("rounds", 5);
int batch = Integer.getInteger("batch", 32);
int[] lengths = {10, 1000};

long[] arenaBytes = new long[2];
int[] kernels = new int[2];

double compileMillis(int i) {
    Network net = Recurrent.addingProblem(lengths[i], RecurrentCell.LSTM, 32);
    try (Model m = Smok.compile(net, new Options().batch(batch).optimizer(OptimizerSpec.adam(1e-2f)))) {
        var exe = (dev.smok.cpu.CpuExecutable) m.trainingExecutable();
        arenaBytes[i] = exe.arenaBytes();
        kernels[i] = exe.kernelCount();
        return m.compileMillis();
    }
}

double allocationMillis(long bytes) {
    long t0 = System.nanoTime();
    float[] a = new float[(int) (bytes / Float.BYTES)];
    a[a.length - 1] = 1;
    return (System.nanoTime() - t0) / 1e6;
}

double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
}

compileMillis(0); // warm-up: the compiler's own classes load and get JIT-compiled
compileMillis(1);
double[][] millis = new double[2][rounds], alloc = new double[2][rounds];
for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < 2; i++) {
        millis[i][r] = compileMillis(i);
        alloc[i][r] = allocationMillis(arenaBytes[i]);
    }
}
for (int i = 0; i < 2; i++) {
    System.out.printf("T = %4d: compile %.1f ms (median of %d; all: %s), %d kernels, arena %.1f MB (allocating it alone: %.1f ms)%n",
            lengths[i], median(millis[i]), rounds,
            java.util.Arrays.toString(java.util.Arrays.stream(millis[i]).map(x -> Math.round(x * 10) / 10.0).toArray()),
            kernels[i], arenaBytes[i] / 1e6, median(alloc[i]));
}
System.out.printf("T = 1000 / T = 10: %.2f (the issue asks for at most 2)%n", median(millis[1]) / median(millis[0]));
