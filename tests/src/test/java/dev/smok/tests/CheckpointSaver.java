package dev.smok.tests;

import dev.smok.ir.Shape;
import dev.smok.ir.Tensor;
import dev.smok.runtime.io.Checkpoints;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Child process for {@link CheckpointTest#killDuringSaveLeavesThePreviousCheckpoint}: writes a
 * large checkpoint over and over, generation 1, 2, 3, ..., every tensor filled with the
 * generation number and the number also in the metadata, and prints "saved N" after each save.
 */
public final class CheckpointSaver {
    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        int floats = Integer.parseInt(args[1]);
        for (int gen = 1; ; gen++) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            for (int t = 0; t < 4; t++) {
                float[] v = new float[floats / 4];
                java.util.Arrays.fill(v, gen);
                m.put("t" + t, new Tensor(Shape.of(v.length), v, 0));
            }
            Checkpoints.write(file, m, Map.of("generation", Integer.toString(gen)));
            System.out.println("saved " + gen);
            System.out.flush();
        }
    }
}
