package dev.smok.runtime.speech;

import dev.smok.runtime.data.DataException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads 16-bit PCM WAV files (what espeak-ng writes), mixing channels down to mono. */
public final class Wav {
    private Wav() {}

    /** Samples scaled to -1..1 and their rate. */
    public record Audio(float[] samples, int sampleRate) {
        public double seconds() { return (double) samples.length / sampleRate; }
    }

    public static Audio read(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage());
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (raw.length < 12 || b.getInt(0) != 0x46464952 || b.getInt(8) != 0x45564157) {
            throw new DataException(file + " is not a RIFF/WAVE file");
        }
        int channels = 0, rate = 0, bits = 0, pos = 12;
        while (pos + 8 <= raw.length) {
            int id = b.getInt(pos), size = b.getInt(pos + 4), body = pos + 8;
            if (id == 0x20746d66) { // "fmt "
                if (b.getShort(body) != 1) throw new DataException(file + ": only PCM WAV is supported");
                channels = b.getShort(body + 2);
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14);
            } else if (id == 0x61746164) { // "data"
                if (bits != 16 || channels < 1) throw new DataException(file + ": expected 16-bit PCM, got " + bits + " bits");
                // espeak-ng writes a data size of 0x7ffff000 when streaming; trust the file length then
                int bytes = Math.min(size < 0 ? Integer.MAX_VALUE : size, raw.length - body);
                int frames = bytes / (2 * channels);
                float[] s = new float[frames];
                for (int i = 0; i < frames; i++) {
                    float acc = 0;
                    for (int c = 0; c < channels; c++) acc += b.getShort(body + 2 * (i * channels + c)) / 32768f;
                    s[i] = acc / channels;
                }
                return new Audio(s, rate);
            }
            pos = body + size + (size & 1);
        }
        throw new DataException(file + ": no data chunk");
    }
}
