package dev.smok.runtime.speech;

/**
 * Short-time Fourier transform to a log-mel spectrogram, the input DeepSpeech-style models read.
 * Frames of {@code fftSize} samples every {@code hop} samples, a Hann window, a radix-2 FFT,
 * power spectrum, {@code mels} triangular filters spaced evenly on the mel scale
 * (mel = 2595·log10(1 + f/700)) up to {@code maxHz}, then log(energy + 1e-6).
 */
public final class Spectrogram {
    private final int fftSize, hop, mels;
    private final float[] window;
    private final float[][] filters; // [mels][fftSize/2+1]

    public Spectrogram(int sampleRate, int fftSize, int hop, int mels, double maxHz) {
        if (Integer.bitCount(fftSize) != 1) throw new IllegalArgumentException("FFT size must be a power of two, got " + fftSize);
        this.fftSize = fftSize;
        this.hop = hop;
        this.mels = mels;
        window = new float[fftSize];
        for (int i = 0; i < fftSize; i++) window[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / fftSize));
        filters = melFilters(sampleRate, fftSize, mels, Math.min(maxHz, sampleRate / 2.0));
    }

    public int mels() { return mels; }

    /** Number of frames for {@code n} samples. */
    public int frames(int n) { return n < fftSize ? 1 : 1 + (n - fftSize) / hop; }

    /** The log-mel spectrogram, [frames][mels] row-major. */
    public float[] compute(float[] samples) {
        int frames = frames(samples.length), bins = fftSize / 2 + 1;
        float[] out = new float[frames * mels];
        double[] re = new double[fftSize], im = new double[fftSize];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < fftSize; i++) {
                int k = f * hop + i;
                re[i] = k < samples.length ? samples[k] * window[i] : 0;
                im[i] = 0;
            }
            fft(re, im);
            for (int m = 0; m < mels; m++) {
                double e = 0;
                for (int k = 0; k < bins; k++) {
                    if (filters[m][k] != 0) e += filters[m][k] * (re[k] * re[k] + im[k] * im[k]);
                }
                out[f * mels + m] = (float) Math.log(e + 1e-6);
            }
        }
        return out;
    }

    /** In-place iterative radix-2 Cooley-Tukey FFT. */
    static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j ^= bit;
            if (i < j) {
                double t = re[i]; re[i] = re[j]; re[j] = t;
                t = im[i]; im[i] = im[j]; im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len, wr = Math.cos(ang), wi = Math.sin(ang);
            for (int i = 0; i < n; i += len) {
                double cr = 1, ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int a = i + k, b = a + len / 2;
                    double xr = re[b] * cr - im[b] * ci, xi = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - xr; im[b] = im[a] - xi;
                    re[a] += xr; im[a] += xi;
                    double nr = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = nr;
                }
            }
        }
    }

    private static double mel(double hz) { return 2595 * Math.log10(1 + hz / 700); }
    private static double hz(double mel) { return 700 * (Math.pow(10, mel / 2595) - 1); }

    private static float[][] melFilters(int rate, int fftSize, int mels, double maxHz) {
        int bins = fftSize / 2 + 1;
        double[] centers = new double[mels + 2];
        for (int i = 0; i < centers.length; i++) centers[i] = hz(mel(maxHz) * i / (mels + 1));
        float[][] f = new float[mels][bins];
        for (int m = 0; m < mels; m++) {
            double lo = centers[m], mid = centers[m + 1], hi = centers[m + 2];
            for (int k = 0; k < bins; k++) {
                double freq = (double) k * rate / fftSize;
                double w = freq < lo || freq > hi ? 0 : freq <= mid ? (freq - lo) / (mid - lo) : (hi - freq) / (hi - mid);
                f[m][k] = (float) w;
            }
        }
        return f;
    }
}
