package dev.smok.runtime.data;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data sets Smok knows by name, and MNIST-format folders. {@code mnist-sample} is bundled in
 * the jar (8,000 training and 2,000 test digits); {@code fashion-mnist} is read from Debian's
 * package {@code dataset-fashion-mnist}; any other name is a folder with the four IDX files
 * ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-...}).
 */
public final class Datasets {
    private Datasets() {}

    public static final String FASHION_DIR = "/usr/share/datasets/fashion-mnist";

    /** A training and a test set. */
    public record Split(Dataset train, Dataset test) {}

    public static Split load(String spec) {
        return switch (spec) {
            case "mnist-sample" -> bundled();
            case "fashion-mnist" -> {
                Path dir = Path.of(FASHION_DIR);
                if (!Files.isDirectory(dir)) {
                    throw new DataException("Fashion-MNIST is not installed: " + FASHION_DIR
                            + " is missing; install it with 'apt-get install dataset-fashion-mnist'");
                }
                yield folder(dir, "fashion-mnist");
            }
            case String s when s.equals("adding") || s.startsWith("adding:") -> AddingProblem.named(s);
            default -> {
                Path dir = Path.of(spec);
                if (!Files.isDirectory(dir)) {
                    throw new DataException("no data set '" + spec + "': expected mnist-sample, fashion-mnist or a folder of IDX files");
                }
                yield folder(dir, dir.getFileName().toString());
            }
        };
    }

    private static Split bundled() {
        String base = "/dev/smok/data/mnist-sample/";
        return new Split(
                Idx.dataset("mnist-sample/train", resource(base + "train-images-idx3-ubyte.gz"), resource(base + "train-labels-idx1-ubyte.gz"),
                        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
                Idx.dataset("mnist-sample/test", resource(base + "t10k-images-idx3-ubyte.gz"), resource(base + "t10k-labels-idx1-ubyte.gz"),
                        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"));
    }

    private static Idx.Array resource(String path) {
        InputStream in = Datasets.class.getResourceAsStream(path);
        if (in == null) throw new DataException("the bundled data file " + path + " is missing from the class path");
        return Idx.read(in, path);
    }

    private static Split folder(Path dir, String name) {
        return new Split(part(dir, name, "train"), part(dir, name, "t10k"));
    }

    private static Dataset part(Path dir, String name, String prefix) {
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        return Idx.dataset(name + "/" + (prefix.equals("train") ? "train" : "test"), Idx.read(images), Idx.read(labels),
                images.toString(), labels.toString());
    }

    private static Path find(Path dir, String stem) {
        for (String suffix : new String[] {"", ".gz"}) {
            Path p = dir.resolve(stem + suffix);
            if (Files.exists(p)) return p;
        }
        throw new DataException("missing data file " + dir.resolve(stem) + "[.gz]");
    }
}
