package dev.smok.runtime.data;

import dev.smok.ir.Shape;

/**
 * Labelled samples in memory: {@code count} samples of {@code sampleShape}, row-major in
 * {@code x} (pixels scaled to 0..1), and one class index per sample in {@code labels}.
 */
public record Dataset(String name, Shape sampleShape, float[] x, float[] labels, int count, int classes) {
    public Dataset {
        if (x.length != (long) count * sampleShape.size() || labels.length != count) {
            throw new DataException("data set '" + name + "': " + count + " samples need " + (long) count * sampleShape.size()
                    + " values and " + count + " labels, got " + x.length + " and " + labels.length);
        }
    }

    /** Values per sample. */
    public int sampleSize() { return sampleShape.size(); }

    /** The first {@code n} samples (or all when there are fewer). */
    public Dataset head(int n) {
        if (n >= count) return this;
        return new Dataset(name, sampleShape, java.util.Arrays.copyOf(x, n * sampleSize()), java.util.Arrays.copyOf(labels, n), n, classes);
    }
}
