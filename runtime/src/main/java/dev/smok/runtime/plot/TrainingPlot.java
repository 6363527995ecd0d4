package dev.smok.runtime.plot;

import dev.smok.runtime.Trainer;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * The picture {@code train --plot FILE.png} writes: two panels side by side, the training loss
 * per epoch (left) and the train and test accuracy per epoch (right). Train is drawn in
 * {@link Charts#BLUE}, test in {@link Charts#ORANGE}. Curves without numbers (accuracy of a
 * regression, for instance) are left out.
 */
public final class TrainingPlot {
    private TrainingPlot() {}

    /** Width and height of each panel in pixels. */
    public static final int PANEL_WIDTH = 560, PANEL_HEIGHT = 420;

    /** Draws {@code history}'s two panels into one image. */
    public static BufferedImage render(String title, Trainer.History history) {
        int n = history.epochs().size();
        double[] epoch = new double[n], loss = new double[n], trainAcc = new double[n], testAcc = new double[n];
        for (int i = 0; i < n; i++) {
            Trainer.EpochStats e = history.epochs().get(i);
            epoch[i] = e.epoch();
            loss[i] = e.loss();
            trainAcc[i] = e.trainAccuracy();
            testAcc[i] = e.testAccuracy();
        }
        BufferedImage left = new LineChart(title + ": loss", "epoch", "loss")
                .series("train", epoch, loss, Charts.BLUE).render(PANEL_WIDTH, PANEL_HEIGHT);
        BufferedImage right = new LineChart(title + ": accuracy", "epoch", "accuracy")
                .series("train", epoch, trainAcc, Charts.BLUE).series("test", epoch, testAcc, Charts.ORANGE)
                .render(PANEL_WIDTH, PANEL_HEIGHT);
        return Charts.sideBySide(List.of(left, right));
    }

    /** Renders and writes the PNG file atomically. */
    public static void save(String title, Trainer.History history, Path file) {
        Charts.writePng(render(title, history), file);
    }
}
