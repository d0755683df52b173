package io.github.medvp.pretrain.brainmvp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class BrainMvpLossesTest {

    @Test
    void mseIsTheMeanOverAllElements() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2, 1));
            NDArray t = m.create(new float[] {0, 2, 5, 4}, new Shape(1, 1, 2, 2, 1));
            assertEquals((1 + 0 + 4 + 0) / 4f, BrainMvpLosses.mse(p, t).getFloat(), 1e-7f);
        }
    }

    @Test
    void infoNceMatchesHandComputedSymmetricCrossEntropy() {
        double[][] s = {{1, 2, 2}, {0, -3, 4}};
        double[][] t = {{2, 0, 0}, {1, 1, 1}};
        double[][] logits = new double[2][2];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                logits[a][b] = dot(s[a], t[b]) / Math.sqrt(dot(s[a], s[a]) * dot(t[b], t[b]));
            }
        }
        double rows = 0;
        double cols = 0;
        for (int a = 0; a < 2; a++) {
            rows += Math.log(Math.exp(logits[a][0]) + Math.exp(logits[a][1])) - logits[a][a];
            cols += Math.log(Math.exp(logits[0][a]) + Math.exp(logits[1][a])) - logits[a][a];
        }
        double expected = (rows / 2 + cols / 2) / 2;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray student = m.create(new float[] {1, 2, 2, 0, -3, 4}, new Shape(2, 3));
            NDArray teacher = m.create(new float[] {2, 0, 0, 1, 1, 1}, new Shape(2, 3));
            assertEquals(expected, BrainMvpLosses.infoNce(student, teacher, 1).getFloat(), 1e-6);
            // Rows are normalised: scaling a sample's features changes nothing.
            NDArray scaled = student.mul(m.create(new float[] {3, 0.5f}, new Shape(2, 1)));
            assertEquals(expected, BrainMvpLosses.infoNce(scaled, teacher, 1).getFloat(), 1e-6);
            // τ divides the logits; swapping student and teacher transposes S, which the symmetric loss ignores.
            assertEquals(BrainMvpLosses.infoNce(student, teacher, 1).getFloat(),
                    BrainMvpLosses.infoNce(teacher, student, 1).getFloat(), 1e-6);
            double hot = BrainMvpLosses.infoNce(student, teacher, 0.5).getFloat();
            assertEquals(expectedAt(logits, 0.5), hot, 1e-6);
        }
    }

    @Test
    void gradientsReachBothViews() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray student = m.randomNormal(new Shape(3, 5));
            NDArray teacher = m.randomNormal(new Shape(3, 5));
            student.setRequiresGradient(true);
            teacher.setRequiresGradient(true);
            try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                gc.backward(BrainMvpLosses.infoNce(student, teacher, 1));
            }
            assertEquals(true, student.getGradient().abs().sum().getFloat() > 0);
            assertEquals(true, teacher.getGradient().abs().sum().getFloat() > 0);
        }
    }

    private static double expectedAt(double[][] cos, double tau) {
        double rows = 0;
        double cols = 0;
        for (int a = 0; a < 2; a++) {
            rows += Math.log(Math.exp(cos[a][0] / tau) + Math.exp(cos[a][1] / tau)) - cos[a][a] / tau;
            cols += Math.log(Math.exp(cos[0][a] / tau) + Math.exp(cos[1][a] / tau)) - cos[a][a] / tau;
        }
        return (rows + cols) / 4;
    }

    private static double dot(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
        }
        return d;
    }
}
