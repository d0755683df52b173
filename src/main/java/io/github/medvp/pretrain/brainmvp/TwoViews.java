package io.github.medvp.pretrain.brainmvp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Scalars;
import io.github.medvp.train.BlockMask;
import io.github.medvp.train.DataParallel;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The two masked views of BrainMVP ({@code aug_rand_with_learnable_rep} and {@code Uniform_block_replace} in the
 * reference's {@code utils/ops.py}) for one channel {@code i} shared by the batch. With target {@code y = x[:, i]} and
 * block masks M (1 = masked):
 * <ul>
 * <li>view 1 (modality distillation): {@code y·(1−M1) + T̂·M1}, T̂ the normalised template crop of the sample's
 * modality at channel i;</li>
 * <li>view 2: during the template warm-up the same with a new mask M2; afterwards (cross-modal reconstruction)
 * {@code y·(1−M2) + x[:, j]·M2}, j the channel of another modality of the same study, drawn uniformly among the
 * distinct modalities other than channel i's. A study whose channels all hold channel i's modality has no other
 * modality: its view 2 falls back to the template (the reference would fail on such a study).</li>
 * </ul>
 * The blend is the reference's masked assignment in differentiable form: gradients reach the template only
 * through masked voxels.
 *
 * @param target y, (B, 1, X, Y, Z)
 * @param views view 1 of all samples then view 2 of all samples, (2B, 1, X, Y, Z)
 * @param masks M1 then M2, (2B, 1, X, Y, Z), 1 = masked
 * @param channel i
 * @param sources per sample, the channel view 2 copies from, or -1 for the template
 */
public record TwoViews(NDArray target, NDArray views, NDArray masks, int channel, int[] sources) {

    /**
     * Builds both views. Random draws, in order: 2B masks, then (cross-modal phase only) one source per sample.
     *
     * @param input the batch
     * @param channel i
     * @param templateCrops normalised template crops of channel i's modalities, (B, 1, X, Y, Z)
     * @param crossModal whether view 2 takes another modality (after the warm-up) instead of the template
     * @param mask the block mask
     * @param rng the step's generator
     * @return the views
     */
    public static TwoViews make(BrainMvpInput input, int channel, NDArray templateCrops, boolean crossModal,
            BlockMask mask, SplittableRandom rng) {
        NDArray x = input.images();
        int b = input.batchSize();
        int c = input.channels();
        Shape spatial = x.getShape().slice(2);
        NDManager manager = x.getManager();
        NDArray y = x.get(":, {}:{}", channel, channel + 1);
        // Replica-aware: in a data-parallel step each sample gets the masks it gets on one device.
        NDArray masks = mask.sampleShare(manager, 2, b, spatial, x.getDataType(), rng).toDevice(x.getDevice(), false);
        int[] sources = new int[b];
        NDArray second = templateCrops;
        if (crossModal) {
            rng = DataParallel.perReplica(rng);
            long[] flat = new long[b];
            float[] useTemplate = new float[b];
            boolean anyTemplate = false;
            for (int s = 0; s < b; s++) {
                sources[s] = otherChannel(input.modalities().get(s), channel, rng);
                flat[s] = (long) s * c + (sources[s] < 0 ? channel : sources[s]);
                useTemplate[s] = sources[s] < 0 ? 1f : 0f;
                anyTemplate |= sources[s] < 0;
            }
            NDArray index = HostArrays.copyOf(manager, flat, new Shape(b), x.getDevice());
            second = x.reshape(new Shape((long) b * c).addAll(spatial)).get(index).expandDims(1);
            if (anyTemplate) {
                NDArray f = HostArrays.copyOf(manager, useTemplate, new Shape(b, 1, 1, 1, 1), x.getDevice())
                        .toType(x.getDataType(), false);
                second = second.mul(Scalars.rsub(1, f)).add(templateCrops.mul(f));
            }
        } else {
            java.util.Arrays.fill(sources, -1);
        }
        NDArray yy = y.concat(y, 0);
        NDArray src = templateCrops.concat(second, 0);
        NDArray views = yy.mul(Scalars.rsub(1, masks)).add(src.mul(masks));
        return new TwoViews(y, views, masks, channel, sources);
    }

    /**
     * @param channels the modality of each channel of one study
     * @param current channel i
     * @param rng the step's generator (one draw when there is a choice)
     * @return the first channel holding a modality drawn uniformly among the distinct modalities other than channel
     *     i's, or -1 when there is none
     */
    static int otherChannel(List<Modality> channels, int current, SplittableRandom rng) {
        Modality mine = channels.get(current);
        List<Modality> others = channels.stream().distinct().filter(m -> m != mine).toList();
        return others.isEmpty() ? -1 : channels.indexOf(others.get(rng.nextInt(others.size())));
    }

    /** @return view 1 of every sample, (B, 1, X, Y, Z) */
    public NDArray view1() {
        return views.get("0:{}", target.getShape().get(0));
    }

    /** @return view 2 of every sample, (B, 1, X, Y, Z) */
    public NDArray view2() {
        return views.get("{}:", target.getShape().get(0));
    }
}
