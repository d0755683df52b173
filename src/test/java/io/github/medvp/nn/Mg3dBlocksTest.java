package io.github.medvp.nn;

import io.github.medvp.nn.fusion.CrossGate;
import io.github.medvp.nn.fusion.UnidirGate;
import io.github.medvp.nn.fusion.AttentionPool;
import io.github.medvp.nn.fusion.MimDecoder;
import io.github.medvp.nn.bert.Pooler;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import io.github.medvp.engine.Engines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MG-3D's fusion and pooling blocks on tiny tensors against plain-Java double computations of the reference. */
class Mg3dBlocksTest {

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

    /** y = x Wᵀ + b of a DJL Linear, on the host. */
    private static double[] linear(Linear l, double[] x) {
        float[] w = l.getParameters().get("weight").getArray().toFloatArray();
        float[] b = l.getParameters().get("bias").getArray().toFloatArray();
        int out = b.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            y[o] = b[o];
            for (int i = 0; i < x.length; i++) {
                y[o] += w[o * x.length + i] * x[i];
            }
        }
        return y;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static double[][] rows(NDArray a, int sample) {
        long n = a.getShape().get(1);
        long d = a.getShape().get(2);
        float[] f = a.get(sample).toFloatArray();
        double[][] out = new double[(int) n][(int) d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                out[i][k] = f[(int) (i * d + k)];
            }
        }
        return out;
    }

    private static Linear child(Block b, String name) {
        for (var p : b.getChildren()) {
            if (p.getKey().endsWith(name)) {
                return (Linear) p.getValue();
            }
        }
        throw new AssertionError("no child " + name);
    }

    @Test
    void crossGateKeepsEachStreamsValuesAndGatesWithTheMeanSigmoid() {
        int d = 4;
        CrossGate gate = new CrossGate(d);
        Shape sa = new Shape(2, 3, d);
        Shape sb = new Shape(2, 2, d);
        gate.initialize(manager, DataType.FLOAT32, sa, sb);
        NDArray a = manager.randomNormal(sa);
        NDArray b = manager.randomNormal(sb);
        // Sample 1's second B row is padding: the mean over B must skip it.
        NDArray maskB = manager.create(new float[] {1, 1, 1, 0}, new Shape(2, 2));
        NDArray maskA = manager.ones(new Shape(2, 3));
        NDList out = gate.forward(new ParameterStore(manager, false), new NDList(a, b, maskA, maskB), false);
        for (int s = 0; s < 2; s++) {
            double[][] ar = rows(a, s);
            double[][] br = rows(b, s);
            int nb = s == 0 ? 2 : 1;
            double[][] expectA = new double[3][];
            for (int i = 0; i < 3; i++) {
                double[] q = linear(child(gate, "q1"), ar[i]);
                double g = 0;
                for (int j = 0; j < nb; j++) {
                    g += sigmoid(dot(q, linear(child(gate, "k2"), br[j])) / Math.sqrt(d)) / nb;
                }
                double[] v = linear(child(gate, "v1"), ar[i]);
                expectA[i] = new double[d];
                for (int k = 0; k < d; k++) {
                    expectA[i][k] = g * v[k];
                }
            }
            double[][] gotA = rows(out.get(0), s);
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < d; k++) {
                    assertEquals(expectA[i][k], gotA[i][k], 1e-5);
                }
            }
            double[][] gotB = rows(out.get(1), s);
            for (int j = 0; j < 2; j++) {
                double[] q = linear(child(gate, "q2"), br[j]);
                double g = 0;
                for (int i = 0; i < 3; i++) {
                    g += sigmoid(dot(q, linear(child(gate, "k1"), ar[i])) / Math.sqrt(d)) / 3;
                }
                double[] v = linear(child(gate, "v2"), br[j]);
                for (int k = 0; k < d; k++) {
                    assertEquals(g * v[k], gotB[j][k], 1e-5);
                }
            }
        }
    }

    @Test
    void sentenceGatherAveragesEachSentencesTokens() {
        NDArray tokens = manager.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, new Shape(1, 5, 2));
        NDArray index = manager.create(new int[] {-1, 1, 1, 2, -1}, new Shape(1, 5));
        NDArray membership = Tokens.membership(index, 3);
        NDArray u = Tokens.gather(tokens, membership);
        assertArrayEquals(new float[] {4, 5, 7, 8, 0, 0}, u.toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 1, 0}, Tokens.sentenceMask(membership).toFloatArray(), 0f);
    }

    @Test
    void standardiseIsAPerRowBiasedStandardisation() {
        NDArray x = manager.create(new float[] {1, 2, 3, 5}, new Shape(1, 4));
        double mean = 2.75;
        double var = ((1 - mean) * (1 - mean) + (2 - mean) * (2 - mean) + (3 - mean) * (3 - mean)
                + (5 - mean) * (5 - mean)) / 4;
        float[] got = Tokens.standardise(x).toFloatArray();
        double[] in = {1, 2, 3, 5};
        for (int i = 0; i < 4; i++) {
            assertEquals((in[i] - mean) / Math.sqrt(var + 1e-5), got[i], 1e-5);
        }
    }

    @Test
    void meanPoolerSkipsPaddedRowsAndTokenPoolerWeighsTokens() {
        int d = 3;
        Pooler mean = Pooler.mean(d);
        mean.initialize(manager, DataType.FLOAT32, new Shape(1, 2, d));
        NDArray x = manager.create(new float[] {1, 2, 3, 100, 100, 100}, new Shape(1, 2, d));
        NDArray mask = manager.create(new float[] {1, 0}, new Shape(1, 2));
        NDArray got = mean.forward(new ParameterStore(manager, false), new NDList(x, mask), false).singletonOrThrow();
        double[] expect = linear(child(mean, "dense"), new double[] {1, 2, 3});
        float[] g = got.toFloatArray();
        for (int k = 0; k < d; k++) {
            assertEquals(Math.tanh(expect[k]), g[k], 1e-5);
        }
        Pooler tokens = Pooler.tokens(d);
        tokens.initialize(manager, DataType.FLOAT32, new Shape(1, 2, d));
        Linear w = child(tokens, "token_pool");
        double[] pooled = new double[d];
        for (int k = 0; k < d; k++) {
            pooled[k] = linear(w, new double[] {x.getFloat(0, 0, k), x.getFloat(0, 1, k)})[0];
        }
        double[] e2 = linear(child(tokens, "dense"), pooled);
        float[] g2 = tokens.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow()
                .toFloatArray();
        for (int k = 0; k < d; k++) {
            assertEquals(Math.tanh(e2[k]), g2[k], 1e-4);
        }
    }

    @Test
    void attentionPoolIgnoresPaddedSentences() {
        int d = 8;
        AttentionPool pool = new AttentionPool(d, 2);
        pool.initialize(manager, DataType.FLOAT32, new Shape(1, 3, d));
        NDArray real = manager.randomNormal(new Shape(1, 2, d));
        NDArray padded = real.concat(manager.randomNormal(new Shape(1, 1, d)).mul(50), 1);
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray a = pool.forward(ps, new NDList(real), false).singletonOrThrow();
        NDArray b = pool.forward(ps, new NDList(padded, manager.create(new float[] {1, 1, 0}, new Shape(1, 3))), false)
                .singletonOrThrow();
        assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 1e-5f);
        // Without the mask the padded row changes the result, so the test can fail.
        NDArray c = pool.forward(ps, new NDList(padded), false).singletonOrThrow();
        assertEquals(false, java.util.Arrays.equals(a.toFloatArray(), c.toFloatArray()));
    }

    @Test
    void unidirGateScalesEachRowsValueByItsSigmoidGate() {
        int d = 3;
        UnidirGate gate = new UnidirGate(d);
        gate.initialize(manager, DataType.FLOAT32, new Shape(1, 2, d), new Shape(1, d));
        NDArray rows = manager.randomNormal(new Shape(1, 2, d));
        NDArray query = manager.randomNormal(new Shape(1, d));
        float[] got = gate.forward(new ParameterStore(manager, false), new NDList(rows, query), false)
                .singletonOrThrow().toFloatArray();
        double[] q = linear(child(gate, "q"), new double[] {query.getFloat(0, 0), query.getFloat(0, 1),
            query.getFloat(0, 2)});
        double[][] r = rows(rows, 0);
        for (int k = 0; k < 2; k++) {
            double g = sigmoid(dot(q, linear(child(gate, "k"), r[k])) / Math.sqrt(d));
            double[] v = linear(child(gate, "v"), r[k]);
            for (int c = 0; c < d; c++) {
                assertEquals(g * v[c], got[k * d + c], 1e-5);
            }
        }
    }

    @Test
    void upsamplingWithoutAlignedCornersMatchesPyTorch() {
        // F.interpolate(torch.tensor([[[0., 1., 3.]]]), scale_factor=2, mode="linear", align_corners=False)
        float[] w = TrilinearUpsample.weights(3, 6, false);
        double[] in = {0, 1, 3};
        double[] expect = {0, 0.25, 0.75, 1.5, 2.5, 3};
        for (int o = 0; o < 6; o++) {
            double v = 0;
            for (int i = 0; i < 3; i++) {
                v += in[i] * w[i * 6 + o];
            }
            assertEquals(expect[o], v, 1e-6);
        }
    }

    @Test
    void mimDecoderUpsamplesThirtyTwoTimes() {
        MimDecoder dec = new MimDecoder(32);
        dec.initialize(manager, DataType.FLOAT32, new Shape(1, 32, 1, 1, 1));
        NDArray y = dec.forward(new ParameterStore(manager, false), new NDList(manager.randomNormal(
                new Shape(1, 32, 1, 1, 1))), false).singletonOrThrow();
        assertEquals(new Shape(1, 1, 32, 32, 32), y.getShape());
    }
}
