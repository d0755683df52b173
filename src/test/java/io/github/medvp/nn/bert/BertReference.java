package io.github.medvp.nn.bert;

import io.github.medvp.io.HostTensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A plain-Java, double-precision BERT written from the equations of the paper / HF's {@code modeling_bert.py}, used
 * as an independent reference for {@link BertEncoder} and {@link BertMlmHead}. Weights are HF-named float arrays.
 */
final class BertReference {

    final BertConfig config;
    final Map<String, float[]> w;

    BertReference(BertConfig config, Map<String, float[]> weights) {
        this.config = config;
        this.w = weights;
    }

    /** Random HF-named weights (without the {@code bert.} prefix) plus an MLM head, seeded. */
    static Map<String, HostTensor> randomWeights(BertConfig c, long seed) {
        Random r = new Random(seed);
        Map<String, HostTensor> m = new LinkedHashMap<>();
        int h = c.hiddenSize();
        put(m, r, "embeddings.word_embeddings.weight", 0.5, 0, c.vocabSize(), h);
        put(m, r, "embeddings.position_embeddings.weight", 0.5, 0, c.maxPositions(), h);
        put(m, r, "embeddings.token_type_embeddings.weight", 0.5, 0, c.typeVocabSize(), h);
        put(m, r, "embeddings.LayerNorm.weight", 0.2, 1, h);
        put(m, r, "embeddings.LayerNorm.bias", 0.2, 0, h);
        for (int i = 0; i < c.layers(); i++) {
            String p = "encoder.layer." + i + ".";
            for (String n : new String[] {"attention.self.query.", "attention.self.key.", "attention.self.value.",
                    "attention.output.dense."}) {
                put(m, r, p + n + "weight", 0.4, 0, h, h);
                put(m, r, p + n + "bias", 0.2, 0, h);
            }
            put(m, r, p + "attention.output.LayerNorm.weight", 0.2, 1, h);
            put(m, r, p + "attention.output.LayerNorm.bias", 0.2, 0, h);
            put(m, r, p + "intermediate.dense.weight", 0.4, 0, c.intermediateSize(), h);
            put(m, r, p + "intermediate.dense.bias", 0.2, 0, c.intermediateSize());
            put(m, r, p + "output.dense.weight", 0.3, 0, h, c.intermediateSize());
            put(m, r, p + "output.dense.bias", 0.2, 0, h);
            put(m, r, p + "output.LayerNorm.weight", 0.2, 1, h);
            put(m, r, p + "output.LayerNorm.bias", 0.2, 0, h);
        }
        put(m, r, "cls.predictions.transform.dense.weight", 0.4, 0, h, h);
        put(m, r, "cls.predictions.transform.dense.bias", 0.2, 0, h);
        put(m, r, "cls.predictions.transform.LayerNorm.weight", 0.2, 1, h);
        put(m, r, "cls.predictions.transform.LayerNorm.bias", 0.2, 0, h);
        put(m, r, "cls.predictions.bias", 0.2, 0, c.vocabSize());
        put(m, r, "cls.predictions.decoder.weight", 0.5, 0, c.vocabSize(), h);
        return m;
    }

    private static void put(Map<String, HostTensor> m, Random r, String name, double std, double mean,
            long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + std * r.nextGaussian());
        }
        m.put(name, HostTensor.ofFloats(shape, v));
    }

    static Map<String, float[]> floats(Map<String, HostTensor> m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** Last hidden state of one sequence: [position][feature]. */
    double[][] encode(int[] ids, int[] mask) {
        int len = ids.length;
        int h = config.hiddenSize();
        double[][] x = new double[len][h];
        float[] word = w.get("embeddings.word_embeddings.weight");
        float[] pos = w.get("embeddings.position_embeddings.weight");
        float[] type = w.get("embeddings.token_type_embeddings.weight");
        for (int t = 0; t < len; t++) {
            for (int f = 0; f < h; f++) {
                x[t][f] = word[ids[t] * h + f] + pos[t * h + f] + type[f];
            }
        }
        x = layerNorm(x, "embeddings.LayerNorm.");
        for (int i = 0; i < config.layers(); i++) {
            x = layer(x, mask, "encoder.layer." + i + ".");
        }
        return x;
    }

    /** MLM logits for hidden states: [position][vocab]. */
    double[][] mlmLogits(double[][] x) {
        double[][] z = layerNorm(gelu(linear(x, "cls.predictions.transform.dense.")), "cls.predictions.transform."
                + "LayerNorm.");
        float[] dec = w.get("cls.predictions.decoder.weight");
        float[] bias = w.get("cls.predictions.bias");
        int v = config.vocabSize();
        int h = config.hiddenSize();
        double[][] out = new double[z.length][v];
        for (int t = 0; t < z.length; t++) {
            for (int o = 0; o < v; o++) {
                double s = bias[o];
                for (int f = 0; f < h; f++) {
                    s += z[t][f] * dec[o * h + f];
                }
                out[t][o] = s;
            }
        }
        return out;
    }

    private double[][] layer(double[][] x, int[] mask, String p) {
        int len = x.length;
        int h = config.hiddenSize();
        int heads = config.heads();
        int d = h / heads;
        double[][] q = linear(x, p + "attention.self.query.");
        double[][] k = linear(x, p + "attention.self.key.");
        double[][] v = linear(x, p + "attention.self.value.");
        double[][] ctx = new double[len][h];
        for (int hd = 0; hd < heads; hd++) {
            for (int i = 0; i < len; i++) {
                double[] s = new double[len];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    double dot = 0;
                    for (int f = 0; f < d; f++) {
                        dot += q[i][hd * d + f] * k[j][hd * d + f];
                    }
                    s[j] = dot / Math.sqrt(d) + (mask[j] != 0 ? 0 : -10000);
                    max = Math.max(max, s[j]);
                }
                double sum = 0;
                for (int j = 0; j < len; j++) {
                    s[j] = Math.exp(s[j] - max);
                    sum += s[j];
                }
                for (int j = 0; j < len; j++) {
                    for (int f = 0; f < d; f++) {
                        ctx[i][hd * d + f] += s[j] / sum * v[j][hd * d + f];
                    }
                }
            }
        }
        double[][] a = layerNorm(add(x, linear(ctx, p + "attention.output.dense.")), p + "attention.output.LayerNorm.");
        double[][] inter = gelu(linear(a, p + "intermediate.dense."));
        return layerNorm(add(a, linear(inter, p + "output.dense.")), p + "output.LayerNorm.");
    }

    private double[][] linear(double[][] x, String p) {
        float[] wt = w.get(p + "weight");
        float[] b = w.get(p + "bias");
        int out = b.length;
        int in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int f = 0; f < in; f++) {
                    s += x[t][f] * wt[o * in + f];
                }
                y[t][o] = s;
            }
        }
        return y;
    }

    private double[][] layerNorm(double[][] x, String p) {
        float[] g = w.get(p + "weight");
        float[] b = w.get(p + "bias");
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= x[t].length;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= x[t].length;
            y[t] = new double[x[t].length];
            for (int f = 0; f < x[t].length; f++) {
                y[t][f] = (x[t][f] - mean) / Math.sqrt(var + config.layerNormEps()) * g[f] + b[f];
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int f = 0; f < a[0].length; f++) {
                y[t][f] = a[t][f] + b[t][f];
            }
        }
        return y;
    }

    private static double[][] gelu(double[][] x) {
        double[][] y = new double[x.length][x[0].length];
        for (int t = 0; t < x.length; t++) {
            for (int f = 0; f < x[0].length; f++) {
                y[t][f] = 0.5 * x[t][f] * (1 + erf(x[t][f] / Math.sqrt(2)));
            }
        }
        return y;
    }

    /** erf by its Maclaurin series (|x| < 3) or continued fraction of erfc, accurate to ~1e-12. */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax < 3) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 100; n++) {
                term *= -ax * ax / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17) {
                    break;
                }
            }
            return Math.signum(x) * 2 / Math.sqrt(Math.PI) * sum;
        }
        // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))) (Lentz-free, evaluated backwards)
        double f = ax;
        for (int n = 60; n >= 1; n--) {
            f = ax + (n / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return Math.signum(x) * (1 - erfc);
    }
}
