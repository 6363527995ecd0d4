package dev.smok.runtime.cli;

import dev.smok.frontend.Network;
import dev.smok.runtime.Model;
import dev.smok.runtime.Options;
import dev.smok.runtime.Smok;
import dev.smok.runtime.io.Checkpoints;
import dev.smok.runtime.speech.CtcDecoder;
import dev.smok.runtime.speech.SpeechTrainer;
import dev.smok.runtime.speech.SpokenDigits;
import dev.smok.runtime.speech.Wav;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The spoken-digit commands: train the transcriber, and transcribe a WAV file. */
final class SpeechCommands {
    private SpeechCommands() {}

    @Command(name = "train-speech", mixinStandardHelpOptions = true,
            description = "Train the DeepSpeech-style digit transcriber (CTC) on data from scripts/spoken-digits.sh.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--data", required = true, description = "Folder with train/ and test/ written by scripts/spoken-digits.sh.")
        Path data;
        @Option(names = "--epochs", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
        int epochs;
        @Option(names = "--batch", defaultValue = "32", description = "Default: ${DEFAULT-VALUE}.")
        int batch;
        @Option(names = "--lr", defaultValue = "0.002", description = "Default: ${DEFAULT-VALUE}.")
        float lr;
        @Option(names = "--seed", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
        long seed;
        @Option(names = "--backend", defaultValue = "cpu", description = "Default: ${DEFAULT-VALUE}.")
        String backend;
        @Option(names = "--save", description = "Write the trained weights here (safetensors).")
        Path save;

        @Override public Integer call() {
            SpokenDigits train = SpokenDigits.load(data.resolve("train"), SpeechTrainer.FRAMES, SpeechTrainer.MAX_DIGITS);
            SpokenDigits test = SpokenDigits.load(data.resolve("test"), SpeechTrainer.FRAMES, SpeechTrainer.MAX_DIGITS);
            System.out.printf("training %s on %,d utterances, testing on %,d of unseen voices%n", SpeechTrainer.network().name(), train.count(), test.count());
            try (Model m = SpeechTrainer.train(train, test, epochs, batch, lr, seed, backend, System.out)) {
                double der = SpeechTrainer.digitErrorRate(m, test, System.out, 8);
                System.out.printf("held-out digit error rate %.4f%n", der);
                if (save != null) {
                    Checkpoints.save(m, save);
                    System.out.println("weights written to " + save);
                }
            }
            return 0;
        }
    }

    @Command(name = "transcribe", mixinStandardHelpOptions = true, description = "Print the digits spoken in a WAV file.")
    static final class Transcribe implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE.wav")
        Path wav;
        @Option(names = "--weights", required = true, description = "Weights from train-speech --save.")
        Path weights;
        @Option(names = "--beam", defaultValue = "8", description = "Beam width (1: greedy). Default: ${DEFAULT-VALUE}.")
        int beam;
        @Option(names = "--backend", defaultValue = "cpu", description = "Default: ${DEFAULT-VALUE}.")
        String backend;

        @Override public Integer call() {
            Network net = SpeechTrainer.network();
            float[] x = new float[SpeechTrainer.FRAMES * 40];
            SpokenDigits.featurize(Wav.read(wav), SpeechTrainer.FRAMES, x, 0);
            try (Model m = Smok.compile(net, new Options().batch(1).backend(backend))) {
                Checkpoints.load(m, weights);
                float[] scores = m.predict(x, 1);
                int steps = net.outputShape().dim(0), classes = net.outputShape().dim(1);
                int[] decoded = beam <= 1 ? CtcDecoder.greedy(scores, steps, classes) : CtcDecoder.beam(scores, steps, classes, beam);
                System.out.println(SpokenDigits.digits(decoded));
            }
            return 0;
        }
    }
}
