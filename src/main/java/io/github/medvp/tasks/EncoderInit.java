package io.github.medvp.tasks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.Modality;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.TensorFiles;
import io.github.medvp.nn.UniFormer3d;
import io.github.medvp.train.NamedParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Initialises a {@link TaskModel}'s encoder (and templates) from a checkpoint: a BrainMVP pre-training run's
 * checkpoint, a reference {@code .pt} state dict (read by {@link EncoderCheckpoint}), or a fine-tuned model. Every
 * encoder tensor is copied except the stage-1 patch-embedding convolution when its input channels differ (BrainMVP
 * pre-trains on one channel; spec §4.1 and §6 item 13): that convolution keeps its fresh Kaiming initialisation, and
 * the re-initialisation is logged. A checkpoint of another preset is refused.
 * <p>
 * Templates: when the checkpoint holds BrainMVP's {@code rep_template} (8 canonical modalities in template order),
 * the rows of the task's modalities are min-max normalised per template (as pre-training used them, spec §6 item 8)
 * and copied into the model, which must have been created with their grid ({@link #templateGrid}).
 */
public final class EncoderInit {

    private static final String TEMPLATE_KEY = "rep_template";
    /** Names of the stage-1 patch embedding (its convolution is re-initialised when the channels differ). */
    static final String FIRST_CONV = "patch_embed1";
    /** BrainMVP's guard against a flat template in its min-max normalisation. */
    private static final float EPS = 1e-9f;

    private EncoderInit() {
    }

    /**
     * What was done.
     *
     * @param source the checkpoint
     * @param copied encoder tensors copied
     * @param reinitialised tensors left at their fresh initialisation (the first convolution), possibly empty
     * @param templates whether templates were loaded
     */
    public record Report(Path source, int copied, List<String> reinitialised, boolean templates) {
    }

    /**
     * The template grid of a checkpoint, to create the model with before {@link #apply}.
     *
     * @param checkpoint a pre-training checkpoint (MedVP or reference)
     * @return (GX, GY, GZ), or null when it holds no templates
     * @throws IOException when it cannot be read
     */
    public static int[] templateGrid(Path checkpoint) throws IOException {
        HostTensor t = findTemplates(read(checkpoint));
        if (t == null) {
            return null;
        }
        long[] s = t.shape();
        return new int[] {(int) s[1], (int) s[2], (int) s[3]};
    }

    /**
     * Copies the checkpoint's encoder (and templates, when both have them) into {@code model}.
     *
     * @param model a freshly created model
     * @param checkpoint the checkpoint
     * @param progress receives the log lines (re-initialised convolution, templates)
     * @return what was copied
     * @throws IOException when the checkpoint cannot be read
     * @throws MedvpException when it holds no encoder of the model's preset
     */
    public static Report apply(TaskModel model, Path checkpoint, Progress progress) throws IOException {
        UniFormer3d target = model.encoder();
        NDManager owner = target.getParameters().get(0).getValue().getArray().getManager();
        int copied = 0;
        List<String> reinit = new ArrayList<>();
        try (NDManager tmp = owner.newSubManager()) {
            UniFormer3d source = EncoderCheckpoint.load(checkpoint, tmp);
            if (!Arrays.equals(source.getWidths(), target.getWidths())
                    || !Arrays.equals(source.getDepths(), target.getDepths())) {
                throw new MedvpException("checkpoint " + checkpoint + " holds a UniFormer of widths "
                        + Arrays.toString(source.getWidths()) + ", the model is " + model.spec().preset() + " "
                        + Arrays.toString(target.getWidths()) + "; choose the checkpoint's preset");
            }
            NamedParameters from = NamedParameters.builder().addBlock("", source).build();
            for (NamedParameters.Entry e : NamedParameters.builder().addBlock("", target).build().entries()) {
                NamedParameters.Entry s = from.get(e.name());
                if (s == null) {
                    throw new MedvpException("checkpoint " + checkpoint + " has no encoder tensor " + e.name());
                }
                if (!s.array().getShape().equals(e.array().getShape())) {
                    if (e.name().contains(FIRST_CONV)) {
                        reinit.add(e.name());
                        continue;
                    }
                    throw new MedvpException("checkpoint " + checkpoint + ": encoder tensor " + e.name() + " is "
                            + s.array().getShape() + ", the model needs " + e.array().getShape());
                }
                HostArrays.copyInto(e.array(), HostArrays.toHost(s.array()), e.name());
                copied++;
            }
            if (!reinit.isEmpty()) {
                progress.log("the first convolution was re-initialised: the checkpoint's encoder takes "
                        + source.getInChannels() + " channel(s), the model " + target.getInChannels() + " ("
                        + model.spec().modalities() + ")");
            }
        }
        boolean templates = false;
        if (model.hasTemplates()) {
            templates = loadTemplates(model, checkpoint);
            progress.log(templates ? "modality templates of " + model.spec().modalities() + " taken from "
                    + checkpoint : checkpoint + " holds no modality templates");
        }
        return new Report(checkpoint, copied, reinit, templates);
    }

    private static boolean loadTemplates(TaskModel model, Path checkpoint) throws IOException {
        HostTensor t = findTemplates(read(checkpoint));
        if (t == null) {
            return false;
        }
        long[] s = t.shape();
        long[] want = model.templates().getShape().getShape();
        if (s.length != 4 || s[0] != Modality.values().length || s[1] != want[1] || s[2] != want[2]
                || s[3] != want[3]) {
            throw new MedvpException("checkpoint " + checkpoint + ": templates " + Arrays.toString(s) + " do not fit "
                    + "8 modalities on the model's template grid " + Arrays.toString(want));
        }
        try (NDManager tmp = model.templates().getManager().newSubManager()) {
            NDArray all = HostArrays.toNDArray(tmp, t).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            long[] rows = model.spec().modalities().stream().mapToLong(Modality::templateIndex).toArray();
            NDArray picked = all.get(tmp.create(rows));
            NDArray flat = picked.reshape(rows.length, -1);
            NDArray lo = flat.min(new int[] {1}, true);
            NDArray range = flat.max(new int[] {1}, true).sub(lo).add(EPS);
            model.setTemplates(HostArrays.toHost(flat.sub(lo).div(range).reshape(picked.getShape())));
        }
        return true;
    }

    private static Map<String, HostTensor> read(Path checkpoint) throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new MedvpException("checkpoint " + checkpoint + " does not exist");
        }
        return TensorFiles.readStateDict(checkpoint);
    }

    private static HostTensor findTemplates(Map<String, HostTensor> tensors) {
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String k = e.getKey();
            if (k.equals(TEMPLATE_KEY) || k.endsWith("." + TEMPLATE_KEY)) {
                return e.getValue();
            }
        }
        return null;
    }
}
