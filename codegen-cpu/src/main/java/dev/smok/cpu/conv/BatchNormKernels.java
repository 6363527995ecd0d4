package dev.smok.cpu.conv;

import static dev.smok.cpu.conv.DirectConv.L;
import static dev.smok.cpu.conv.DirectConv.S;

import jdk.incubator.vector.FloatVector;

/**
 * Vectorized float32 batch normalization over [n, c, inner] tensors (inner = h·w for NCHW
 * images, 1 for [n, features]), with the semantics of the IR ops batch_norm_train, batch_norm,
 * batch_norm_input_grad and batch_norm_gamma_grad: statistics per channel over n·inner values,
 * biased variance for normalizing.
 *
 * <p>Contract: tensors are row-major float arrays from their offsets; per-channel arrays
 * (gamma, beta, mean, invStd, running statistics, dgamma, dbeta) hold c floats. Outputs are
 * overwritten; inputs are never written. Slice t of {@code threads} owns channels
 * [t·c/threads, (t+1)·c/threads) — batch norm needs no scratch and no cross-thread reduction.
 *
 * <p>Algorithm: two passes per channel for the statistics (mean, then the sum of squared
 * deviations — more accurate in float32 than E[x²] − E[x]²), then one fused multiply-add per
 * element with scale = γ/σ and shift = β − mean·scale. The backward pass needs Σdy and
 * Σdy·(x − mean) per channel, then dx = scale·(dy − Σdy/m − x̂·Σdy·x̂/m).
 */
public final class BatchNormKernels {
    private BatchNormKernels() {}

    private static int begin(int c, int thread, int threads) { return ParallelFor.sliceBegin(c, thread, threads); }

    /** y[i] = x[i]·scale + shift over every value of channel ch. */
    private static void affine(int n, int c, int inner, int ch, float[] x, int xOff, float[] y, int yOff, float scale, float shift) {
        FloatVector sv = FloatVector.broadcast(S, scale), tv = FloatVector.broadcast(S, shift);
        for (int b = 0; b < n; b++) {
            int xi = xOff + (b * c + ch) * inner, yi = yOff + (b * c + ch) * inner, i = 0;
            for (; i + L <= inner; i += L) FloatVector.fromArray(S, x, xi + i).fma(sv, tv).intoArray(y, yi + i);
            for (; i < inner; i++) y[yi + i] = x[xi + i] * scale + shift;
        }
    }

    /**
     * Training forward: y = γ·(x − mean)/√(var + eps) + β with the batch's statistics; also
     * writes {@code mean[c]} and {@code invStd[c]} = 1/√(var + eps) for the backward pass and
     * {@link #updateRunning}.
     */
    public static void trainForward(int n, int c, int inner, float[] x, int xOff, float[] gamma, int gammaOff, float[] beta, int betaOff,
                                    float eps, float[] y, int yOff, float[] mean, int meanOff, float[] invStd, int invStdOff,
                                    int thread, int threads) {
        int count = n * inner;
        for (int ch = begin(c, thread, threads); ch < begin(c, thread + 1, threads); ch++) {
            float sum = 0;
            for (int b = 0; b < n; b++) sum += VectorMath.sum(x, xOff + (b * c + ch) * inner, inner);
            float m = sum / count, sq = 0;
            for (int b = 0; b < n; b++) sq += VectorMath.sumSquaredDeviation(x, xOff + (b * c + ch) * inner, inner, m);
            float is = (float) (1 / Math.sqrt(sq / count + (double) eps));
            mean[meanOff + ch] = m;
            invStd[invStdOff + ch] = is;
            float scale = gamma[gammaOff + ch] * is;
            affine(n, c, inner, ch, x, xOff, y, yOff, scale, beta[betaOff + ch] - m * scale);
        }
    }

    /** Inference forward: y = γ·(x − runningMean)/√(runningVar + eps) + β. */
    public static void inferenceForward(int n, int c, int inner, float[] x, int xOff, float[] gamma, int gammaOff, float[] beta, int betaOff,
                                        float[] runningMean, int rmOff, float[] runningVar, int rvOff, float eps,
                                        float[] y, int yOff, int thread, int threads) {
        for (int ch = begin(c, thread, threads); ch < begin(c, thread + 1, threads); ch++) {
            float scale = (float) (gamma[gammaOff + ch] / Math.sqrt(runningVar[rvOff + ch] + (double) eps));
            affine(n, c, inner, ch, x, xOff, y, yOff, scale, beta[betaOff + ch] - runningMean[rmOff + ch] * scale);
        }
    }

    /**
     * running ← (1 − momentum)·running + momentum·batch for the mean and for the unbiased
     * variance (var·count/(count − 1)), PyTorch's rule; {@code mean} and {@code invStd} come
     * from {@link #trainForward}. Updates the running arrays in place (single-threaded; c values).
     */
    public static void updateRunning(int c, int count, float[] mean, int meanOff, float[] invStd, int invStdOff, float eps, float momentum,
                                     float[] runningMean, int rmOff, float[] runningVar, int rvOff) {
        for (int ch = 0; ch < c; ch++) {
            double is = invStd[invStdOff + ch];
            double var = 1 / (is * is) - eps;
            double unbiased = var * count / Math.max(1, count - 1);
            runningMean[rmOff + ch] = (1 - momentum) * runningMean[rmOff + ch] + momentum * mean[meanOff + ch];
            runningVar[rvOff + ch] = (float) ((1 - momentum) * runningVar[rvOff + ch] + momentum * unbiased);
        }
    }

    /**
     * Training backward: dx, dgamma = Σ dy·x̂ and dbeta = Σ dy per channel, from x, dy, γ and
     * the {@code mean} and {@code invStd} that {@link #trainForward} wrote.
     */
    public static void backward(int n, int c, int inner, float[] x, int xOff, float[] dy, int dyOff, float[] gamma, int gammaOff,
                                float[] mean, int meanOff, float[] invStd, int invStdOff,
                                float[] dx, int dxOff, float[] dgamma, int dgammaOff, float[] dbeta, int dbetaOff,
                                int thread, int threads) {
        int count = n * inner;
        for (int ch = begin(c, thread, threads); ch < begin(c, thread + 1, threads); ch++) {
            float m = mean[meanOff + ch], is = invStd[invStdOff + ch];
            float sdy = 0, sdyx = 0;
            for (int b = 0; b < n; b++) {
                int at = (b * c + ch) * inner;
                sdy += VectorMath.sum(dy, dyOff + at, inner);
                sdyx += VectorMath.dotCentered(dy, dyOff + at, x, xOff + at, inner, m);
            }
            float dg = sdyx * is;
            if (dgamma != null) dgamma[dgammaOff + ch] = dg;
            if (dbeta != null) dbeta[dbetaOff + ch] = sdy;
            // dx = k·dy + a·x + b0 with k = γ·is, a = −k·is·dg/count, b0 = −k·sdy/count − a·mean
            float k = gamma[gammaOff + ch] * is, a = -k * is * dg / count, b0 = -k * sdy / count - a * m;
            FloatVector kv = FloatVector.broadcast(S, k), av = FloatVector.broadcast(S, a), bv = FloatVector.broadcast(S, b0);
            for (int b = 0; b < n; b++) {
                int at = (b * c + ch) * inner, i = 0;
                for (; i + L <= inner; i += L) {
                    FloatVector.fromArray(S, dy, dyOff + at + i).fma(kv, FloatVector.fromArray(S, x, xOff + at + i).fma(av, bv))
                            .intoArray(dx, dxOff + at + i);
                }
                for (; i < inner; i++) dx[dxOff + at + i] = k * dy[dyOff + at + i] + a * x[xOff + at + i] + b0;
            }
        }
    }

    /** Slices of {@link #trainForward} run by {@code pool}. */
    public static void trainForward(int n, int c, int inner, float[] x, int xOff, float[] gamma, int gammaOff, float[] beta, int betaOff,
                                    float eps, float[] y, int yOff, float[] mean, int meanOff, float[] invStd, int invStdOff,
                                    ParallelFor pool, int threads) {
        pool.run(threads, t -> trainForward(n, c, inner, x, xOff, gamma, gammaOff, beta, betaOff, eps, y, yOff, mean, meanOff,
                invStd, invStdOff, t, threads));
    }

    /** Slices of {@link #backward} run by {@code pool}. */
    public static void backward(int n, int c, int inner, float[] x, int xOff, float[] dy, int dyOff, float[] gamma, int gammaOff,
                                float[] mean, int meanOff, float[] invStd, int invStdOff,
                                float[] dx, int dxOff, float[] dgamma, int dgammaOff, float[] dbeta, int dbetaOff,
                                ParallelFor pool, int threads) {
        pool.run(threads, t -> backward(n, c, inner, x, xOff, dy, dyOff, gamma, gammaOff, mean, meanOff, invStd, invStdOff,
                dx, dxOff, dgamma, dgammaOff, dbeta, dbetaOff, t, threads));
    }
}
