// Compile time of a recurrence does not grow with the sequence length (issue #9): a recurrent
// layer is one scan node whatever T, so compiling T = 1000 should cost about what T = 10 does.
// Compiles the adding problem's training step (LSTM of 32 units, dense output, MSE, Adam) on the
// CPU backend for T = 10 and T = 1000, alternating, and prints the median of each and the ratio.
//
// What does grow with T is memory: backpropagation through time keeps every step's activations,
// so the arena is about 1 MB at T = 10 and 95 MB at T = 1000. The CPU backend allocates it on the
// executable's first use, not in the compile, so the script reports three times per length:
//   compile   Model.compileMillis(): passes, kernel and memory plans, code generation, class definition
//   load      the rest of Model.trainingExecutable(): allocating the arena and copying in the initial parameters
//   step 1    the first training step (interpreted bytecode, JIT compiles; T steps of work), and step 2 after it
// and, for comparison, the time a plain float[] of the arena's size takes to allocate.
//
// Run:  ./smok run examples/recurrent-compile-time.jsh
// Knobs (system properties, e.g. JAVA_TOOL_OPTIONS=-Drounds=9): rounds (default 5), batch (default 32).

int rounds = Integer.getInteger("rounds", 5);
int batch = Integer.getInteger("batch", 32);
int[] lengths = {10, 1000};

long[] arenaBytes = new long[2];
int[] kernels = new int[2];
String[] parts = {"compile", "load", "step 1", "step 2"};

/** Compiles, loads and runs two steps for length i; returns the four times in ms. */
double[] measure(int i) {
    Network net = Recurrent.addingProblem(lengths[i], RecurrentCell.LSTM, 32);
    float[] x = new float[batch * lengths[i] * 2], y = new float[batch];
    java.util.Random r = new java.util.Random(i);
    for (int j = 0; j < x.length; j++) x[j] = r.nextFloat();
    try (Model m = Smok.compile(net, new Options().batch(batch).optimizer(OptimizerSpec.adam(1e-2f)))) {
        long t0 = System.nanoTime();
        var exe = (dev.smok.cpu.CpuExecutable) m.trainingExecutable();
        long t1 = System.nanoTime();
        m.trainStep(x, y);
        long t2 = System.nanoTime();
        m.trainStep(x, y);
        long t3 = System.nanoTime();
        arenaBytes[i] = exe.arenaBytes();
        kernels[i] = exe.kernelCount();
        double compile = m.compileMillis();
        return new double[] {compile, (t1 - t0) / 1e6 - compile, (t2 - t1) / 1e6, (t3 - t2) / 1e6};
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

measure(0); // warm-up: the compiler's own classes load and get JIT-compiled
measure(1);
double[][][] millis = new double[2][parts.length][rounds];
double[][] alloc = new double[2][rounds];
for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < 2; i++) {
        double[] t = measure(i);
        for (int p = 0; p < parts.length; p++) millis[i][p][r] = t[p];
        alloc[i][r] = allocationMillis(arenaBytes[i]);
    }
}
for (int i = 0; i < 2; i++) {
    System.out.printf("T = %4d: %d kernels, arena %.1f MB (a plain float[] that size: %.1f ms); medians of %d:%n",
            lengths[i], kernels[i], arenaBytes[i] / 1e6, median(alloc[i]), rounds);
    for (int p = 0; p < parts.length; p++) {
        System.out.printf("    %-7s %7.1f ms  (all: %s)%n", parts[p], median(millis[i][p]),
                java.util.Arrays.toString(java.util.Arrays.stream(millis[i][p]).map(v -> Math.round(v * 10) / 10.0).toArray()));
    }
}
System.out.printf("compile, T = 1000 / T = 10: %.2f (the issue asks for at most 2)%n", median(millis[1][0]) / median(millis[0][0]));
