package io.github.medvp.pretrain.mg3d;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.Engines;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each MG-3D loss against a plain-Java double computation of the reference's formula on tiny inputs. */
class Mg3dLossesTest {

    private static NDManager manager;

    @BeforeAll
    static void start() {
        Engines.pytorch();
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    @Test
    void mlmIsTheMeanCrossEntropyOverLabelledPositions() {
        // B = 1, L = 3, V = 3; the middle position is ignored.
        float[] logits = {1, 2, 3, 0, 0, 0, 2, 0, -1};
        int[] labels = {2, Mg3dLosses.IGNORE, 0};
        double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
        double l2 = -(2 - Math.log(Math.exp(2) + Math.exp(0) + Math.exp(-1)));
        NDArray loss = Mg3dLosses.mlm(manager.create(logits, new Shape(1, 3, 3)),
                manager.create(labels, new Shape(1, 3)));
        assertEquals((l0 + l2) / 2, loss.getFloat(), 1e-5);
    }

    @Test
    void mlmWithoutLabelsIsZero() {
        NDArray loss = Mg3dLosses.mlm(manager.ones(new Shape(1, 2, 4)),
                manager.create(new int[] {Mg3dLosses.IGNORE, Mg3dLosses.IGNORE}, new Shape(1, 2)));
        assertEquals(0, loss.getFloat(), 0);
    }

    @Test
    void sfrSumsOverRealSentencesAndAveragesOverSamples() {
        // Two samples, S = 2; sample 1's second sentence is padding and must not count.
        float[] r = {1, 0, 0, 1, 1, 1, 9, 9};
        float[] g = {1, 0, 1, 1, -1, 0, 1, 2};
        float[] mask = {1, 1, 1, 0};
        double c00 = 1;
        double c01 = 1 / Math.sqrt(2);
        double c10 = -1 / Math.sqrt(2);
        double expected = ((1 - c00) + (1 - c01) + (1 - c10)) / 2;
        NDArray loss = Mg3dLosses.sfr(manager.create(r, new Shape(2, 2, 2)), manager.create(g, new Shape(2, 2, 2)),
                manager.create(mask, new Shape(2, 2)));
        assertEquals(expected, loss.getFloat(), 1e-6);
    }

    @Test
    void mimIsTheMaskedMeanSquareOverAllVoxelsDividedByHalf() {
        float[] pred = {1, 2, 3, 4};
        float[] target = {0, 0, 1, 1};
        float[] mask = {1, 0, 1, 0};
        double expected = (1 + 4) / 4.0 / 0.5;
        NDArray loss = Mg3dLosses.mim(manager.create(pred, new Shape(1, 1, 4, 1, 1)),
                manager.create(target, new Shape(1, 1, 4, 1, 1)), manager.create(mask, new Shape(1, 1, 4, 1, 1)));
        assertEquals(expected, loss.getFloat(), 1e-6);
    }

    @Test
    void infoNceIsTheSymmetricCrossEntropyOfScaledSimilarities() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 3;
        int d = 4;
        double[][] a = unitRows(rng, n, d);
        double[][] b = unitRows(rng, n, d);
        double tau = 0.1;
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < d; k++) {
                    s[i][j] += a[i][k] * b[j][k] / tau;
                }
            }
        }
        double rows = 0;
        double cols = 0;
        for (int i = 0; i < n; i++) {
            double zr = 0;
            double zc = 0;
            for (int j = 0; j < n; j++) {
                zr += Math.exp(s[i][j]);
                zc += Math.exp(s[j][i]);
            }
            rows += Math.log(zr) - s[i][i];
            cols += Math.log(zc) - s[i][i];
        }
        double expected = (rows / n + cols / n) / 2;
        NDArray loss = Mg3dLosses.infoNce(create(a), create(b), tau);
        assertEquals(expected, loss.getFloat(), 1e-4);
    }

    @Test
    void ssmRegressesSimilarPairsToTheReferenceAndDissimilarOnesToZero() {
        SplittableRandom rng = new SplittableRandom(11);
        int batch = 3;
        int s = 2;
        double[][][] pooled = new double[batch][s][];
        double[][][] ref = new double[batch][s][];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < s; k++) {
                pooled[b][k] = randomRow(rng, 3);
                ref[b][k] = randomRow(rng, 2);
            }
        }
        // Make some reference pairs similar (≥ 0.9), some dissimilar (≤ 0.6), some in between.
        ref[1][0] = ref[0][0].clone();
        ref[2][1] = new double[] {-ref[0][1][0], -ref[0][1][1]};
        int[] sentences = {2, 1, 2};
        double sum = 0;
        for (int i = 0; i < batch; i++) {
            for (int j = i + 1; j < batch; j++) {
                double pair = 0;
                for (int k = 0; k < sentences[i]; k++) {
                    for (int l = 0; l < sentences[j]; l++) {
                        double g = cos(ref[i][k], ref[j][l]);
                        double p = cos(pooled[i][k], pooled[j][l]);
                        double pos = g >= 0.9 ? 1 : 0;
                        double neg = g <= 0.6 ? 1 : 0;
                        pair += Math.abs(p * (pos + neg) - g * pos);
                    }
                }
                sum += pair / (sentences[i] * sentences[j]);
            }
        }
        double expected = sum / (3 + 1e-6);
        float[] mask = {1, 1, 1, 0, 1, 1};
        NDArray loss = Mg3dLosses.ssm(create3(pooled), create3(ref), manager.create(mask, new Shape(batch, s)));
        assertEquals(expected, loss.getFloat(), 1e-5);
    }

    @Test
    void ssmOfOneSampleIsZero() {
        NDArray loss = Mg3dLosses.ssm(manager.ones(new Shape(1, 2, 3)), manager.ones(new Shape(1, 2, 3)),
                manager.ones(new Shape(1, 2)));
        assertEquals(0, loss.getFloat(), 0);
    }

    private static double cos(double[] x, double[] y) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int i = 0; i < x.length; i++) {
            dot += x[i] * y[i];
            nx += x[i] * x[i];
            ny += y[i] * y[i];
        }
        return dot / Math.sqrt(nx * ny);
    }

    private static double[] randomRow(SplittableRandom rng, int d) {
        double[] r = new double[d];
        for (int i = 0; i < d; i++) {
            r[i] = rng.nextDouble(-1, 1);
        }
        return r;
    }

    private static double[][] unitRows(SplittableRandom rng, int n, int d) {
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] r = randomRow(rng, d);
            double norm = Math.sqrt(dot(r, r));
            for (int k = 0; k < d; k++) {
                r[k] /= norm;
            }
            out[i] = r;
        }
        return out;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static NDArray create(double[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < rows[0].length; k++) {
                flat[i * rows[0].length + k] = (float) rows[i][k];
            }
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    private static NDArray create3(double[][][] x) {
        int b = x.length;
        int s = x[0].length;
        int d = x[0][0].length;
        float[] flat = new float[b * s * d];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < s; k++) {
                for (int c = 0; c < d; c++) {
                    flat[(i * s + k) * d + c] = (float) x[i][k][c];
                }
            }
        }
        return manager.create(flat, new Shape(b, s, d));
    }
}
