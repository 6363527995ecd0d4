package dev.smok.runtime.speech;

import dev.smok.runtime.data.DataException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Spoken digit sequences written by {@code scripts/spoken-digits.sh}: a folder with
 * {@code labels.tsv} (file, digits, voice) and the WAV files. Each utterance becomes a log-mel
 * spectrogram of exactly {@code frames} frames (silence-padded or cut), normalized per utterance
 * to zero mean and unit variance, and a label row of {@code maxDigits} classes padded with -1.
 * Class k+1 is digit k; class 0 is the CTC blank.
 */
public record SpokenDigits(float[] features, float[] labels, String[] voices, int count, int frames, int mels, int maxDigits) {

    /** The front end used for training and transcription: 512-point FFT, 20 ms hop at 22.05 kHz, 40 mel bands. */
    public static Spectrogram frontEnd(int sampleRate) {
        return new Spectrogram(sampleRate, 512, sampleRate / 50, 40, 8000);
    }

    public static SpokenDigits load(Path dir, int frames, int maxDigits) {
        Path tsv = dir.resolve("labels.tsv");
        List<String> lines;
        try {
            lines = Files.readAllLines(tsv);
        } catch (IOException e) {
            throw new DataException("missing " + tsv + ": generate the data with scripts/spoken-digits.sh " + dir.getParent());
        }
        int n = lines.size(), mels = 40;
        float[] x = new float[n * frames * mels];
        float[] y = new float[n * maxDigits];
        String[] voices = new String[n];
        java.util.Arrays.fill(y, -1);
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i).split("\t");
            if (f.length < 3) throw new DataException(tsv + " line " + (i + 1) + ": expected file, digits, voice");
            String digits = f[1];
            if (digits.length() > maxDigits) throw new DataException(tsv + " line " + (i + 1) + ": more than " + maxDigits + " digits");
            for (int k = 0; k < digits.length(); k++) y[i * maxDigits + k] = digits.charAt(k) - '0' + 1;
            voices[i] = f[2];
            featurize(Wav.read(dir.resolve(f[0])), frames, x, i * frames * mels);
        }
        return new SpokenDigits(x, y, voices, n, frames, mels, maxDigits);
    }

    /** Writes the normalized, padded spectrogram of {@code audio} at {@code out[off..]}. */
    public static void featurize(Wav.Audio audio, int frames, float[] out, int off) {
        Spectrogram s = frontEnd(audio.sampleRate());
        float[] spec = s.compute(audio.samples());
        int have = Math.min(frames, s.frames(audio.samples().length)), mels = s.mels();
        double mean = 0, var = 0;
        for (int i = 0; i < have * mels; i++) mean += spec[i];
        mean /= have * mels;
        for (int i = 0; i < have * mels; i++) var += (spec[i] - mean) * (spec[i] - mean);
        double std = Math.sqrt(var / (have * mels)) + 1e-5;
        float floor = (float) ((Math.log(1e-6) - mean) / std);
        for (int t = 0; t < frames; t++) {
            for (int m = 0; m < mels; m++) {
                out[off + t * mels + m] = t < have ? (float) ((spec[t * mels + m] - mean) / std) : Math.max(floor, -3f);
            }
        }
    }

    /** The digits of a decoded class sequence (class k+1 is digit k). */
    public static String digits(int[] classes) {
        StringBuilder b = new StringBuilder();
        for (int c : classes) b.append((char) ('0' + c - 1));
        return b.toString();
    }

    /** Levenshtein distance between two digit strings (the digit error count). */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
