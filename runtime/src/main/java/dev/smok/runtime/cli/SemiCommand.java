package dev.smok.runtime.cli;

import dev.smok.runtime.data.Datasets;
import dev.smok.runtime.semi.SemiSupervisedStudy;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "semi", mixinStandardHelpOptions = true,
        description = "Semi-supervised learning with few labels: raw pixels vs PCA vs autoencoder code vs pseudo-labelling.")
final class SemiCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "fashion-mnist", description = "Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--labels-per-class", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
    int perClass;

    @Option(names = "--pca", defaultValue = "50", description = "PCA components. Default: ${DEFAULT-VALUE}.")
    int pca;

    @Option(names = "--ae-epochs", defaultValue = "5", description = "Autoencoder epochs. Default: ${DEFAULT-VALUE}.")
    int aeEpochs;

    @Option(names = "--epochs", defaultValue = "60", description = "Classifier epochs over the labelled images. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--confidence", defaultValue = "0.95", description = "Pseudo-label threshold. Default: ${DEFAULT-VALUE}.")
    double confidence;

    @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--backend", defaultValue = "cpu", description = "Default: ${DEFAULT-VALUE}.")
    String backend;

    @Override public Integer call() {
        Datasets.Split split = Datasets.load(data);
        SemiSupervisedStudy study = new SemiSupervisedStudy(split, perClass, seed, backend, System.out);
        List<SemiSupervisedStudy.Row> rows = study.run(pca, aeEpochs, epochs, confidence);
        System.out.print(SemiSupervisedStudy.markdown(rows, data, perClass));
        return 0;
    }
}
