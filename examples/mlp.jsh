// A multi-layer perceptron (784-128-10) on the bundled MNIST sample: build, train, evaluate, save.
//   ./smok run examples/mlp.jsh                       3 epochs on the default backend
//   ./smok run examples/mlp.jsh --epochs 1 --backend interpreter --limit 2000 --save out/mlp.safetensors
// Arguments arrive in String[] ARGS; the DSL (Network, Options, Trainer, ...) is imported.

var opts = new java.util.HashMap<String, String>(java.util.Map.of("--epochs", "3", "--backend", "cpu", "--limit", "0", "--save", ""));
for (int i = 0; i + 1 < ARGS.length; i += 2) {
    if (!opts.containsKey(ARGS[i])) throw new IllegalArgumentException("unknown option " + ARGS[i] + "; expected one of " + opts.keySet());
    opts.put(ARGS[i], ARGS[i + 1]);
}

var network = Network.sequential("mlp", 1, 28, 28)
        .flatten()
        .dense(128).name("fc1").relu()
        .dense(10).name("fc2").softmax();
System.out.print(network.summary());

var data = Datasets.load("mnist-sample");
int limit = Integer.parseInt(opts.get("--limit"));
var train = limit > 0 ? data.train().head(limit) : data.train();
try (var model = Smok.compile(network, new Options().batch(64).backend(opts.get("--backend")).optimizer(OptimizerSpec.adam(1e-3f)))) {
    Trainer.fit(model, train, data.test(), Integer.parseInt(opts.get("--epochs")), ProgressBar.forConsole());
    System.out.printf("mlp test accuracy %.4f%n", model.accuracy(data.test()));
    if (!opts.get("--save").isEmpty()) {
        dev.smok.runtime.io.Checkpoints.save(model, java.nio.file.Path.of(opts.get("--save")));
        System.out.println("saved " + opts.get("--save"));
    }
}
