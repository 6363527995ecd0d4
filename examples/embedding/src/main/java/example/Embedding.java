package example;

import dev.smok.frontend.Network;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.ProgressBar;
import dev.smok.runtime.Smok;
import dev.smok.runtime.Trainer;
import dev.smok.runtime.data.Datasets;

/** Smok in an application: define a network, train it on the bundled MNIST sample, predict. */
public class Embedding {
    public static void main(String[] args) {
        Network net = Network.sequential("tiny", 1, 28, 28).flatten().dense(32).relu().dense(10).softmax();
        Datasets.Split data = Datasets.load("mnist-sample");
        String backend = args.length > 0 ? args[0] : "interpreter";
        try (Model model = Smok.compile(net, new Options().batch(32).backend(backend))) {
            Trainer.fit(model, data.train().head(2000), data.test(), 1, ProgressBar.forConsole());
            float[] p = model.predict(data.test().x(), 1);          // class probabilities of the first test image
            int best = 0;
            for (int k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
            System.out.printf("first test image: predicted %d, label %d; test accuracy %.4f%n",
                    best, (int) data.test().labels()[0], model.accuracy(data.test()));
        }
    }
}
