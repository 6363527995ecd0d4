package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.runtime.semi.Pca;

import org.junit.jupiter.api.Test;

import java.util.Random;

/** PCA recovers the axes and variances of a Gaussian with a known covariance. */
class PcaTest {
    @Test void recoversKnownAxes() {
        Random r = new Random(5);
        int n = 20000, dim = 5;
        double[] std = {3, 2, 1, 0.5, 0.1};
        // rotate the axis-aligned Gaussian by 45 degrees in the (0, 1) plane
        double c = Math.sqrt(0.5);
        float[] x = new float[n * dim];
        for (int i = 0; i < n; i++) {
            double[] z = new double[dim];
            for (int j = 0; j < dim; j++) z[j] = r.nextGaussian() * std[j];
            x[i * dim] = (float) (c * z[0] - c * z[1] + 7);
            x[i * dim + 1] = (float) (c * z[0] + c * z[1] - 2);
            for (int j = 2; j < dim; j++) x[i * dim + j] = (float) z[j];
        }
        Pca pca = Pca.fit(x, n, dim, 3, 50, 1);
        double[] v = pca.variances();
        assertEquals(9, v[0], 0.3);
        assertEquals(4, v[1], 0.15);
        assertEquals(1, v[2], 0.05);
        double[] first = pca.component(0);
        assertTrue(Math.abs(Math.abs(first[0]) - c) < 0.02 && Math.abs(Math.abs(first[1]) - c) < 0.02 && first[0] * first[1] > 0,
                java.util.Arrays.toString(first));
        float[] proj = pca.transform(x, n);
        double var = 0;
        for (int i = 0; i < n; i++) var += proj[i * 3] * proj[i * 3];
        assertEquals(v[0], var / (n - 1), 0.05 * v[0]);
    }
}
