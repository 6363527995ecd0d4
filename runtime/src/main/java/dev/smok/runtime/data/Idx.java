package dev.smok.runtime.data;

import dev.smok.ir.Shape;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST: a big-endian header (two zero bytes, a
 * type code, the number of dimensions, then each dimension as a 32-bit integer) followed by the
 * data. Only unsigned bytes (type 0x08) occur in these data sets. Files may be gzip-compressed;
 * compression is detected from the content, not the name. Every defect is one clear line.
 */
public final class Idx {
    private Idx() {}

    /** A parsed IDX file: its dimensions and raw unsigned bytes. */
    public record Array(Shape shape, byte[] data) {}

    public static Array read(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException("missing data file " + file);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage());
        }
        return parse(raw, file.toString());
    }

    public static Array read(InputStream in, String name) {
        try (in) {
            return parse(in.readAllBytes(), name);
        } catch (IOException e) {
            throw new DataException("cannot read " + name + ": " + e.getMessage());
        }
    }

    static Array parse(byte[] raw, String name) {
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) raw = gunzip(raw, name);
        ByteBuffer b = ByteBuffer.wrap(raw);
        if (raw.length < 4 || raw[0] != 0 || raw[1] != 0) {
            throw new DataException(name + " is not an IDX file (bad magic number)");
        }
        if (raw[2] != 0x08) throw new DataException(name + ": IDX element type 0x" + Integer.toHexString(raw[2] & 0xff) + " is not supported (only unsigned bytes, 0x08)");
        int rank = raw[3] & 0xff;
        if (rank < 1 || rank > 4 || raw.length < 4 + 4 * rank) throw new DataException(name + ": truncated or corrupt IDX header");
        int[] dims = new int[rank];
        long size = 1;
        b.position(4);
        for (int i = 0; i < rank; i++) {
            dims[i] = b.getInt();
            if (dims[i] <= 0) throw new DataException(name + ": IDX dimension " + i + " is " + dims[i]);
            size *= dims[i];
        }
        long have = raw.length - 4L - 4L * rank;
        if (have != size) {
            throw new DataException(name + ": header promises " + size + " bytes of data but the file has " + have
                    + (have < size ? " (truncated)" : " (trailing garbage)"));
        }
        byte[] data = new byte[(int) size];
        b.get(data);
        return new Array(Shape.of(dims), data);
    }

    private static byte[] gunzip(byte[] raw, String name) {
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 4);
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new DataException(name + ": corrupt or truncated gzip data (" + e.getMessage() + ")");
        }
    }

    /** Images (N×H×W bytes) and labels (N bytes) as a data set with pixels scaled to 0..1. */
    public static Dataset dataset(String name, Array images, Array labels, String imagesName, String labelsName) {
        if (images.shape().rank() != 3) {
            throw new DataException(imagesName + " holds " + images.shape().pretty() + " values, expected images N×H×W");
        }
        if (labels.shape().rank() != 1) {
            throw new DataException(labelsName + " holds " + labels.shape().pretty() + " values, expected N labels");
        }
        int n = images.shape().dim(0);
        if (labels.shape().dim(0) != n) {
            throw new DataException("labels do not match images: " + labelsName + " has " + labels.shape().dim(0)
                    + " labels but " + imagesName + " has " + n + " images");
        }
        float[] x = new float[images.data().length];
        for (int i = 0; i < x.length; i++) x[i] = (images.data()[i] & 0xff) / 255f;
        float[] y = new float[n];
        int classes = 0;
        for (int i = 0; i < n; i++) {
            y[i] = labels.data()[i] & 0xff;
            classes = Math.max(classes, (int) y[i] + 1);
        }
        Shape sample = Shape.of(1, images.shape().dim(1), images.shape().dim(2));
        return new Dataset(name, sample, x, y, n, Math.max(classes, 10));
    }
}
