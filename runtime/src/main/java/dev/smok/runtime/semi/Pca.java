package dev.smok.runtime.semi;

import java.util.SplittableRandom;

/**
 * Principal component analysis: the top-k eigenvectors of the data's covariance matrix, found by
 * subspace (block power) iteration with Gram-Schmidt re-orthonormalization, which needs only
 * covariance-times-matrix products and converges quickly when the spectrum decays, as it does
 * for images. The fitted model projects samples onto the components (centred first).
 */
public final class Pca {
    private final int dim, k;
    private final double[] mean;
    private final double[][] components; // [k][dim], orthonormal rows
    private final double[] variances;

    private Pca(int dim, int k, double[] mean, double[][] components, double[] variances) {
        this.dim = dim;
        this.k = k;
        this.mean = mean;
        this.components = components;
        this.variances = variances;
    }

    /** Fits k components to {@code n} samples of {@code dim} values (row-major in {@code x}). */
    public static Pca fit(float[] x, int n, int dim, int k, int iterations, long seed) {
        double[] mean = new double[dim];
        for (int i = 0; i < n; i++) for (int j = 0; j < dim; j++) mean[j] += x[i * dim + j];
        for (int j = 0; j < dim; j++) mean[j] /= n;
        double[][] cov = new double[dim][dim];
        double[] row = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) row[j] = x[i * dim + j] - mean[j];
            for (int a = 0; a < dim; a++) {
                double ra = row[a];
                if (ra == 0) continue;
                double[] c = cov[a];
                for (int b = a; b < dim; b++) c[b] += ra * row[b];
            }
        }
        for (int a = 0; a < dim; a++) for (int b = a; b < dim; b++) { cov[a][b] /= n - 1; cov[b][a] = cov[a][b]; }
        SplittableRandom r = new SplittableRandom(seed);
        double[][] q = new double[k][dim];
        for (double[] v : q) for (int j = 0; j < dim; j++) v[j] = r.nextDouble() - 0.5;
        orthonormalize(q);
        for (int it = 0; it < iterations; it++) {
            double[][] next = new double[k][dim];
            for (int c = 0; c < k; c++) multiply(cov, q[c], next[c]);
            q = next;
            orthonormalize(q);
        }
        double[] variances = new double[k];
        double[] tmp = new double[dim];
        for (int c = 0; c < k; c++) {
            multiply(cov, q[c], tmp);
            double s = 0;
            for (int j = 0; j < dim; j++) s += q[c][j] * tmp[j];
            variances[c] = s;
        }
        return new Pca(dim, k, mean, q, variances);
    }

    private static void multiply(double[][] m, double[] v, double[] out) {
        for (int a = 0; a < m.length; a++) {
            double s = 0;
            double[] row = m[a];
            for (int b = 0; b < v.length; b++) s += row[b] * v[b];
            out[a] = s;
        }
    }

    private static void orthonormalize(double[][] q) {
        for (int c = 0; c < q.length; c++) {
            for (int p = 0; p < c; p++) {
                double d = 0;
                for (int j = 0; j < q[c].length; j++) d += q[c][j] * q[p][j];
                for (int j = 0; j < q[c].length; j++) q[c][j] -= d * q[p][j];
            }
            double norm = 0;
            for (double v : q[c]) norm += v * v;
            norm = Math.sqrt(norm);
            for (int j = 0; j < q[c].length; j++) q[c][j] /= norm;
        }
    }

    public int components() { return k; }

    /** Variance along each component, largest first. */
    public double[] variances() { return variances.clone(); }

    /** Component {@code c} (unit length). */
    public double[] component(int c) { return components[c].clone(); }

    /** Projections of {@code n} samples onto the components: [n][k] row-major. */
    public float[] transform(float[] x, int n) {
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < dim; j++) s += (x[i * dim + j] - mean[j]) * components[c][j];
                out[i * k + c] = (float) s;
            }
        }
        return out;
    }
}
