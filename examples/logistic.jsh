// Logistic regression: one sigmoid neuron per class (784 -> 10), trained with binary cross-entropy
// on the bundled MNIST sample. It reaches about 0.87 test accuracy in three epochs.
//   ./smok run examples/logistic.jsh                  3 epochs on the default backend
//   ./smok run examples/logistic.jsh --epochs 1 --backend interpreter
// Arguments arrive in String[] ARGS; the DSL (Network, Options, Trainer, ...) is imported.

var opts = new java.util.HashMap<String, String>(java.util.Map.of("--epochs", "3", "--backend", "cpu"));
for (int i = 0; i + 1 < ARGS.length; i += 2) {
    if (!opts.containsKey(ARGS[i])) throw new IllegalArgumentException("unknown option " + ARGS[i] + "; expected one of " + opts.keySet());
    opts.put(ARGS[i], ARGS[i + 1]);
}

var network = Perceptrons.logistic();   // the built-in model "logistic": flatten, dense(10), sigmoid
System.out.print(network.summary());

var data = Datasets.load("mnist-sample");
try (var model = Smok.compile(network, new Options().backend(opts.get("--backend")).optimizer(OptimizerSpec.adam(0.01f)))) {
    var history = Trainer.fit(model, data.train(), data.test(), Integer.parseInt(opts.get("--epochs")), ProgressBar.forConsole());
    System.out.printf("logistic test accuracy %.4f%n", history.last().testAccuracy());
}
