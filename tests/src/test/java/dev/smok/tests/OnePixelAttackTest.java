package dev.smok.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smok.runtime.attack.OnePixelAttack;

import org.junit.jupiter.api.Test;

/**
 * The attack on classifiers whose weak spot is known: a 8x8 "image" classifier that says class 1
 * when pixel (5, 2) is bright, class 0 otherwise; and one that no single pixel can fool.
 */
class OnePixelAttackTest {
    static float[] softmax2(float z0, float z1) {
        double e0 = Math.exp(z0), e1 = Math.exp(z1);
        return new float[] {(float) (e0 / (e0 + e1)), (float) (e1 / (e0 + e1))};
    }

    @Test void findsTheOnePixelThatMatters() {
        OnePixelAttack.Classifier fragile = (images, n) -> {
            float[] p = new float[2 * n];
            for (int i = 0; i < n; i++) {
                float[] s = softmax2(0, 10 * (images[i * 64 + 2 * 8 + 5] - 0.7f));
                p[2 * i] = s[0];
                p[2 * i + 1] = s[1];
            }
            return p;
        };
        OnePixelAttack attack = new OnePixelAttack(fragile, 8, 8, 2, 40, 30);
        OnePixelAttack.Result r = attack.attack(new float[64], 0, -1, 1);
        assertTrue(r.success(), r.toString());
        assertEquals(5, r.x());
        assertEquals(2, r.y());
        assertTrue(r.value() > 0.7f && r.predicted() == 1, r.toString());
        assertEquals(attack.evaluations(), r.evaluations());
    }

    @Test void reportsFailureWhenNoPixelSuffices() {
        OnePixelAttack.Classifier robust = (images, n) -> {
            float[] p = new float[2 * n];
            for (int i = 0; i < n; i++) {
                float mean = 0;
                for (int k = 0; k < 64; k++) mean += images[i * 64 + k] / 64;
                float[] s = softmax2(0, 10 * (mean - 0.5f));
                p[2 * i] = s[0];
                p[2 * i + 1] = s[1];
            }
            return p;
        };
        OnePixelAttack.Result r = new OnePixelAttack(robust, 8, 8, 2, 20, 5).attack(new float[64], 0, -1, 2);
        assertFalse(r.success());
        assertEquals(0, r.predicted());
    }
}
