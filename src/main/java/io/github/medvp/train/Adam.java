package io.github.medvp.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.github.medvp.MedvpException;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Scalars;
import io.github.medvp.io.HostTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with PyTorch's exact update rule, in two modes: {@link Mode#ADAMW} ({@code torch.optim.AdamW}, decoupled
 * decay {@code p -= lr*wd*p} before the moment update) and {@link Mode#ADAM} ({@code torch.optim.Adam(weight_decay)},
 * coupled L2: {@code g += wd*p} first). Then, with {@code t} the update count:
 * <pre>
 * m = lerp(m, g, 1 - b1);  v = b2 v + (1 - b2) g²
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * Why not DJL's native {@code adamUpdate}: it adds eps to {@code sqrt(v)} before the bias correction (a different
 * eps placement), clips gradients one-sidedly when clipping is on, and keeps no step count we could checkpoint.
 * DJL's {@code ai.djl.training.optimizer.Adam} keeps its state private. So the update is composed of in-place
 * NDArray ops. Bias corrections are computed in float64 on the device, as PyTorch computes them in Python doubles,
 * and cast to float32 where PyTorch casts its scalars.
 * <p>
 * Skipping a non-finite step is decided on the device (see {@link Optimizer#step}): every factor is selected with
 * {@code where(finite, value, identity)}, so a skipped step leaves everything bit-identical without a host read.
 * <p>
 * Limitation: one step count for all parameters. A parameter that no backward pass has reached yet is skipped (as
 * PyTorch skips {@code grad is None}) but, unlike PyTorch, its bias correction later uses the shared count.
 */
public final class Adam implements Optimizer {

    /** Which weight decay. */
    public enum Mode {
        /** Coupled L2 decay, as {@code torch.optim.Adam(weight_decay=...)}. */
        ADAM,
        /** Decoupled decay, as {@code torch.optim.AdamW}. */
        ADAMW
    }

    private final Mode mode;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final List<NamedParameters.Entry> params;
    private final List<ParamGroup> groups;
    /** Group index per parameter (same order as {@link #params}). */
    private final int[] groupOf;
    private final NDManager manager;
    private final NDArray t;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    /** 0-d arrays on the device: the betas (FLOAT64, for the bias corrections) and FLOAT32 step factors. */
    private final Map<String, NDArray> constants = new LinkedHashMap<>();

    private Adam(Builder b) {
        if (b.parameters == null) {
            throw new IllegalArgumentException("setParameters is required");
        }
        this.mode = b.mode;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.params = b.parameters.trainable();
        if (params.isEmpty()) {
            throw new MedvpException("nothing to train: no parameter requires a gradient");
        }
        double defaultDecay = Double.isNaN(b.weightDecay) ? (mode == Mode.ADAMW ? 0.01 : 0.0) : b.weightDecay;
        this.groups = new ArrayList<>(b.groups);
        this.groups.add(new ParamGroup("default", name -> true, 1.0, defaultDecay));
        this.groupOf = new int[params.size()];
        this.manager = params.get(0).array().getManager().newSubManager();
        this.t = manager.zeros(new Shape(), DataType.FLOAT64);
        // The state lives as long as the optimiser, even when it is built inside a caller's NDScope.
        NDScope.unregister(t);
        // Uploaded once: an upload inside a step would make the host wait for the device.
        constant("beta1", beta1);
        constant("beta2", beta2);
        constant("beta2f", (float) beta2);
        constant("1-beta1", (float) (1 - beta1));
        constant("1-beta2", (float) (1 - beta2));
        constant("0", 0f);
        constant("1", 1f);
        constant("eps", (float) eps);
        for (int i = 0; i < params.size(); i++) {
            NamedParameters.Entry e = params.get(i);
            int g = 0;
            while (!groups.get(g).members().test(e.name())) {
                g++;
            }
            groupOf[i] = g;
            NDArray m = manager.zeros(e.array().getShape(), e.array().getDataType());
            NDArray v = manager.zeros(e.array().getShape(), e.array().getDataType());
            NDScope.unregister(m, v);
            expAvg.put(e.name(), m);
            expAvgSq.put(e.name(), v);
        }
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The group each trainable parameter falls in (name to group name), for logs and headers. */
    public Map<String, String> groupAssignment() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            out.put(params.get(i).name(), groups.get(groupOf[i]).name());
        }
        return out;
    }

    @Override
    public void step(double lr, NDArray finite) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray ok = finite == null ? manager.ones(new Shape(), DataType.BOOLEAN)
                    : finite.toDevice(manager.getDevice(), false);
            NDArray okD = ok.toType(DataType.FLOAT64, false);
            t.addi(okD);
            // max(t, 1): a skipped first step must not divide by 1 - b^0 = 0 (its step size is 0 anyway).
            NDArray tEff = Scalars.maximum(t, 1.0);
            NDArray bc1 = Scalars.rsub(1.0, constants.get("beta1").pow(tEff));
            NDArray bc2Sqrt = Scalars.rsub(1.0, constants.get("beta2").pow(tEff)).sqrt()
                    .toType(DataType.FLOAT32, false);
            NDArray w1 = NDArrays.where(ok, constants.get("1-beta1"), constants.get("0"));
            NDArray b2 = NDArrays.where(ok, constants.get("beta2f"), constants.get("1"));
            NDArray w2 = NDArrays.where(ok, constants.get("1-beta2"), constants.get("0"));
            NDArray zero = constants.get("0");
            NDArray eps32 = constants.get("eps");
            NDArray[] stepSize = new NDArray[groups.size()];
            NDArray[] decay = new NDArray[groups.size()];
            for (int g = 0; g < groups.size(); g++) {
                double glr = lr * groups.get(g).lrMultiplier();
                stepSize[g] = Scalars.mul(okD, glr).div(bc1).toType(DataType.FLOAT32, false);
                // PyTorch: p.mul_(1 - lr * wd), the factor computed in double.
                decay[g] = Scalars.add(Scalars.mul(okD, -glr * groups.get(g).weightDecay()), 1.0)
                        .toType(DataType.FLOAT32, false);
            }
            for (int i = 0; i < params.size(); i++) {
                NamedParameters.Entry e = params.get(i);
                NDArray grad = NamedParameters.gradientOrNull(e);
                if (grad == null) {
                    continue;
                }
                NDArray p = e.array();
                ParamGroup group = groups.get(groupOf[i]);
                if (mode == Mode.ADAM && group.weightDecay() != 0) {
                    grad = grad.add(Scalars.mul(p, (float) group.weightDecay()));
                } else if (mode == Mode.ADAMW && group.weightDecay() != 0) {
                    p.muli(decay[groupOf[i]]);
                }
                // A skipped step may carry NaN gradients: replace them so that 0 * g stays 0 (one pass saved when
                // the caller guarantees the step). JniUtils.where: DJL's NDArrays.where refuses to broadcast the
                // 0-d condition.
                NDArray g = finite == null ? grad : JniUtils.where((PtNDArray) ok, (PtNDArray) grad, (PtNDArray) zero);
                NDArray m = expAvg.get(e.name());
                NDArray v = expAvgSq.get(e.name());
                m.addi(g.sub(m).muli(w1));
                v.muli(b2).addi(g.mul(w2).muli(g));
                NDArray denom = v.sqrt().divi(bc2Sqrt).addi(eps32);
                p.subi(m.mul(stepSize[groupOf[i]]).divi(denom));
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private void constant(String name, Number value) {
        NDArray c = HostArrays.scalar(manager, value);
        NDScope.unregister(c);
        constants.put(name, c);
    }

    @Override
    public long updates() {
        return (long) t.getDouble();
    }

    @Override
    public Map<String, HostTensor> state() {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        out.put("t", HostArrays.toHost(t));
        expAvg.forEach((k, a) -> out.put("exp_avg." + k, HostArrays.toHost(a)));
        expAvgSq.forEach((k, a) -> out.put("exp_avg_sq." + k, HostArrays.toHost(a)));
        return out;
    }

    @Override
    public void loadState(Map<String, HostTensor> state, String source) {
        Map<String, NDArray> targets = new LinkedHashMap<>();
        targets.put("t", t);
        expAvg.forEach((k, a) -> targets.put("exp_avg." + k, a));
        expAvgSq.forEach((k, a) -> targets.put("exp_avg_sq." + k, a));
        for (String key : state.keySet()) {
            if (!targets.containsKey(key)) {
                throw new MedvpException(source + " holds optimiser state " + key + " for a parameter this model "
                        + "does not train: was it saved from another model or with other frozen layers?");
            }
        }
        for (Map.Entry<String, NDArray> e : targets.entrySet()) {
            HostTensor h = state.get(e.getKey());
            if (h == null) {
                throw new MedvpException(source + " has no optimiser state " + e.getKey()
                        + ": was it saved from another model?");
            }
            HostArrays.copyInto(e.getValue(), h, e.getKey());
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    /** Builds an {@link Adam}: {@code setParameters} is required, the rest is optional. */
    public static final class Builder {
        private NamedParameters parameters;
        private Mode mode = Mode.ADAMW;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay = Double.NaN;
        private final List<ParamGroup> groups = new ArrayList<>();

        private Builder() {
        }

        /** The parameters to train (their trainable entries). */
        public Builder setParameters(NamedParameters p) {
            this.parameters = p;
            return this;
        }

        /** {@link Mode#ADAMW} (default) or {@link Mode#ADAM}. */
        public Builder optMode(Mode m) {
            this.mode = m;
            return this;
        }

        /** Moment decay rates, default (0.9, 0.999). */
        public Builder optBetas(double b1, double b2) {
            if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) {
                throw new MedvpException("Adam betas must be in [0, 1), got " + b1 + ", " + b2);
            }
            this.beta1 = b1;
            this.beta2 = b2;
            return this;
        }

        /** Denominator term, default 1e-8. */
        public Builder optEpsilon(double e) {
            this.eps = e;
            return this;
        }

        /** Weight decay of parameters in no group; default PyTorch's: 0.01 for AdamW, 0 for Adam. */
        public Builder optWeightDecay(double wd) {
            if (!(wd >= 0)) {
                throw new MedvpException("weight decay must not be negative, got " + wd);
            }
            this.weightDecay = wd;
            return this;
        }

        /** Adds a parameter group; earlier groups win when several accept a name. */
        public Builder addGroup(ParamGroup g) {
            groups.add(g);
            return this;
        }

        /** The optimiser, with zeroed state on the parameters' device. */
        public Adam build() {
            return new Adam(this);
        }
    }
}
