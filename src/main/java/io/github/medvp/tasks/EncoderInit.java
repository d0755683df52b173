package io.github.medvp.tasks;

import io.github.medvp.tasks.segmentation.Segmentation;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.engine.Scalars;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.TensorFiles;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.nn.ReferenceNames;
import io.github.medvp.nn.swin.Swin3d;
import io.github.medvp.nn.swin.SwinUnetrDecoder;
import io.github.medvp.nn.StateDictImport;
import io.github.medvp.nn.VolumeEncoder;
import io.github.medvp.train.Checkpoint;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Initialises a {@link TaskModel}'s encoder (and templates) from a checkpoint: a BrainMVP or MG-3D pre-training run's
 * checkpoint, a reference state dict (UniFormer, MG-3D's or MONAI's Swin; read by {@link EncoderCheckpoint}), or a
 * fine-tuned model. Every encoder tensor is copied except the stem convolution ({@link VolumeEncoder#getStem()})
 * when its input channels differ (both methods pre-train on one channel; BrainMVP's
 * {@code Downstream/train_script.py} drops {@code patch_embed1}): {@link FirstConv#REINIT} leaves that convolution at
 * its fresh initialisation, as the reference does (it never transfers the stem); {@link FirstConv#INFLATE} spreads
 * the pre-trained kernel over the model's channels. Either way the choice is logged. A checkpoint of another encoder
 * or size, or of another axis order, is refused (the model is created with the checkpoint's, see
 * {@link FineTuning#model}).
 * <p>
 * Segmentation decoder: as the reference ({@code main} of {@code Downstream/train_script.py}), the four k2/s2
 * transposed convolutions of a pre-training checkpoint's linear reconstruction decoder (BrainMVP
 * {@code decoder.decoderN}) initialise the transposed convolutions of the segmentation decoder's up-blocks; the
 * residual blocks, {@code proj1} and the output heads keep their fresh initialisation (the reference's residual blocks
 * are loaded too, but pre-training never trains them).
 * <p>
 * Templates: when the checkpoint holds BrainMVP's {@code rep_template} (8 canonical modalities in template order),
 * the rows of the task's modalities are min-max normalised per template (as pre-training used them in
 * {@code aug_rand_with_learnable_rep}; the reference exports them raw) and copied into the model, which must have been
 * created with their grid ({@link #templateGrid}).
 */
public final class EncoderInit {

    private static final String TEMPLATE_KEY = "rep_template";
    /** A segmentation decoder's transposed convolution, e.g. {@code head.01decoder5_01transp_conv_weight}. */
    private static final Pattern UP_TARGET = Pattern.compile(Pattern.quote(TaskModel.HEAD)
            + "\\d+decoder(\\d)_\\d+transp_conv_weight");
    /** BrainMVP's guard against a flat template in its min-max normalisation. */
    private static final float EPS = 1e-9f;

    private EncoderInit() {
    }

    /** What becomes of the stage-1 convolution when the checkpoint's input channels differ from the model's. */
    public enum FirstConv {
        /** Fresh Kaiming initialisation, the pre-trained kernel dropped (as BrainMVP's {@code train_script.py}). */
        REINIT,
        /**
         * Every model channel gets the sum of the checkpoint's channel kernels divided by the model's channel count
         * (timm's way of adapting a pre-trained stem): an input whose channels all hold the same image gives the
         * pre-trained response, so the stem's learned filters survive the change of channels.
         */
        INFLATE
    }

    /**
     * What was done.
     *
     * @param source the checkpoint
     * @param copied encoder tensors copied
     * @param reinitialised tensors left at their fresh initialisation (the first convolution), possibly empty
     * @param inflated tensors inflated from the checkpoint's channels ({@link FirstConv#INFLATE}), possibly empty
     * @param upsampling segmentation-decoder tensors copied from the checkpoint's decoder: UNETR's transposed
     *     convolutions from BrainMVP's pre-training decoder, or a SwinUNETR's decoder from a MONAI SwinUNETR checkpoint
     * @param templates whether templates were loaded
     */
    public record Report(Path source, int copied, List<String> reinitialised, List<String> inflated,
            List<String> upsampling, boolean templates) {
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
     * Copies the checkpoint's encoder (and templates, when both have them) into {@code model}, re-initialising the
     * first convolution when the channels differ (as the reference).
     *
     * @param model a freshly created model
     * @param checkpoint the checkpoint
     * @param progress receives the log lines (re-initialised convolution, templates)
     * @return what was copied
     * @throws IOException when the checkpoint cannot be read
     * @throws MedvpException when it holds no encoder of the model's preset
     */
    public static Report apply(TaskModel model, Path checkpoint, Progress progress) throws IOException {
        return apply(model, checkpoint, FirstConv.REINIT, progress);
    }

    /**
     * Copies the checkpoint's encoder (and templates, when both have them) into {@code model}.
     *
     * @param model a freshly created model
     * @param given the checkpoint, or a run folder for its last one
     * @param firstConv what to do with the first convolution when the channels differ
     * @param progress receives the log lines (re-initialised or inflated convolution, templates)
     * @return what was copied
     * @throws IOException when the checkpoint cannot be read
     * @throws MedvpException when it holds no encoder of the model's preset
     */
    public static Report apply(TaskModel model, Path given, FirstConv firstConv, Progress progress)
            throws IOException {
        Path checkpoint = RunFolder.checkpointIn(given, "checkpoint", false, progress);
        VolumeEncoder target = model.encoder();
        String stem = target.getStemName();
        NDManager owner = target.getParameters().get(0).getValue().getArray().getManager();
        int copied = 0;
        List<String> reinit = new ArrayList<>();
        List<String> inflated = new ArrayList<>();
        try (NDManager tmp = owner.newSubManager()) {
            // The model's order was resolved from this checkpoint (and encoder_axes) when its spec was made.
            TaskEncoder loaded = EncoderCheckpoint.loadInto(checkpoint, tmp, model.spec().axes());
            VolumeEncoder source = loaded.block();
            if (loaded.preset() != model.spec().encoder() || loaded.axes() != model.spec().axes()) {
                throw new MedvpException("checkpoint " + checkpoint + " holds a " + loaded.preset() + " encoder in "
                        + loaded.axes().key() + " order, the model is " + model.spec().encoder() + " in "
                        + model.spec().axes().key() + " order; leave encoder= and preset= empty to take the "
                        + "checkpoint's");
            }
            NamedParameters from = NamedParameters.builder().addBlock("", source).build();
            for (NamedParameters.Entry e : NamedParameters.builder().addBlock("", target).build().entries()) {
                NamedParameters.Entry s = from.get(e.name());
                if (s == null) {
                    throw new MedvpException("checkpoint " + checkpoint + " has no encoder tensor " + e.name());
                }
                if (!s.array().getShape().equals(e.array().getShape())) {
                    if (e.name().contains(stem) && firstConv == FirstConv.REINIT) {
                        reinit.add(e.name());
                        continue;
                    }
                    if (e.name().contains(stem) && inflatable(s.array(), e.array())) {
                        NDArray k = Scalars.div(s.array().sum(new int[] {1}, true), e.array().getShape().get(1));
                        HostArrays.copyInto(e.array(), HostArrays.toHost(k.repeat(1, e.array().getShape().get(1))),
                                e.name());
                        inflated.add(e.name());
                        continue;
                    }
                    throw new MedvpException("checkpoint " + checkpoint + ": encoder tensor " + e.name() + " is "
                            + s.array().getShape() + ", the model needs " + e.array().getShape());
                }
                HostArrays.copyInto(e.array(), HostArrays.toHost(s.array()), e.name());
                copied++;
            }
            String channels = "the checkpoint's encoder takes " + source.getInChannels() + " channel(s), the model "
                    + target.getInChannels() + " (" + model.spec().modalities() + ")";
            if (!reinit.isEmpty()) {
                progress.log("the first convolution was re-initialised: " + channels);
            }
            if (!inflated.isEmpty()) {
                progress.log("the first convolution was inflated from the pre-trained kernel: " + channels);
            }
        }
        // One read serves the decoder and the templates (the encoder loader reads its own formats); a model that
        // takes neither does not read the file again.
        // Only BrainMVP's pre-training decoder has the transposed convolutions UNETR's up-blocks take.
        boolean segmentation = model.spec().task() == TaskSpec.Task.SEGMENTATION
                && model.spec().encoder().family() == EncoderPreset.Family.UNIFORMER;
        Map<String, HostTensor> tensors = segmentation || model.hasTemplates() ? read(checkpoint) : Map.of();
        List<String> upsampling = segmentation ? copyUpsampling(model, tensors, checkpoint) : List.of();
        if (!upsampling.isEmpty()) {
            progress.log("the segmentation decoder's " + upsampling.size() + " transposed convolutions taken from "
                    + "the pre-training decoder");
        }
        if (model.head() instanceof SwinUnetrDecoder decoder) {
            upsampling = copySwinUnetrDecoder(model, decoder, checkpoint, progress);
        }
        boolean templates = false;
        if (model.hasTemplates()) {
            templates = loadTemplates(model, tensors, checkpoint);
            progress.log(templates ? "modality templates of " + model.spec().modalities() + " taken from "
                    + checkpoint : checkpoint + " holds no modality templates");
        }
        return new Report(checkpoint, copied, reinit, inflated, upsampling, templates);
    }

    /**
     * Copies the pre-training decoder's transposed convolution of each level N (MedVP {@code
     * decoder.01decoder5_weight}, reference {@code decoder.decoderN.transp_conv.conv.weight}) into the segmentation
     * decoder's up-block N; nothing for a checkpoint without them (e.g. a fine-tuned model).
     */
    private static List<String> copyUpsampling(TaskModel model, Map<String, HostTensor> tensors, Path checkpoint) {
        StateDictImport names = StateDictImport.builder().optStrict(false).build();
        Map<NamedParameters.Entry, HostTensor> pairs = new LinkedHashMap<>();
        for (NamedParameters.Entry e : model.parameters().entries()) {
            Matcher target = UP_TARGET.matcher(e.name());
            if (!target.matches()) {
                continue;
            }
            String level = target.group(1);
            Pattern medvp = Pattern.compile(Pattern.quote(Checkpoint.MODEL) + "decoder\\.\\d+decoder" + level
                    + "_weight");
            String reference = "decoder.decoder" + level + ".transp_conv.conv.weight";
            HostTensor source = tensors.entrySet().stream().filter(t -> medvp.matcher(t.getKey()).matches()
                    || names.normalise(t.getKey()).equals(reference)).map(Map.Entry::getValue).findFirst()
                    .orElse(null);
            if (source == null) {
                return List.of(); // not a pre-training checkpoint (e.g. a fine-tuned model): the decoder stays fresh
            }
            pairs.put(e, source);
        }
        List<String> copied = new ArrayList<>();
        pairs.forEach((e, source) -> {
            HostArrays.copyInto(e.array(), source, checkpoint + ": " + e.name());
            copied.add(e.name());
        });
        return copied;
    }

    /**
     * A MONAI SwinUNETR checkpoint ({@code swinViT.*} with {@code encoder1.*} … {@code out.*}) also holds the decoder
     * a Swin segmentation model has: every tensor of the same shape is copied (MONAI's {@code SwinUNETR}
     * {@code load_from} fine-tunes the whole network); {@code encoder1} (input channels) and {@code out} (classes)
     * stay fresh when they differ. Nothing for other checkpoints.
     */
    private static List<String> copySwinUnetrDecoder(TaskModel model, SwinUnetrDecoder decoder, Path checkpoint,
            Progress progress) throws IOException {
        Map<String, HostTensor> tensors = EncoderCheckpoint.swinUnetrTensors(checkpoint);
        if (tensors.isEmpty()) {
            return List.of();
        }
        List<String> copied = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        ReferenceNames.swinUnetr((Swin3d) model.encoder(), decoder).forEach((name, target) -> {
            if (name.startsWith(EncoderCheckpoint.SWIN_UNETR_ENCODER)) {
                return;
            }
            HostTensor source = tensors.get(name);
            NDArray array = target.parameter().getArray();
            if (source != null && Arrays.equals(source.shape(), array.getShape().getShape())) {
                HostArrays.copyInto(array, source, checkpoint + ": " + name);
                copied.add(name);
            } else {
                fresh.add(name);
            }
        });
        progress.log("the SwinUNETR decoder's " + copied.size() + " tensors taken from " + checkpoint
                + (fresh.isEmpty() ? "" : "; left fresh (other input channels or classes, or absent): " + fresh));
        return copied;
    }

    /** Same kernel and output channels, only the input channels differ. */
    private static boolean inflatable(NDArray source, NDArray target) {
        long[] a = source.getShape().getShape();
        long[] b = target.getShape().getShape();
        return a.length == 5 && b.length == 5 && a[0] == b[0] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4];
    }

    private static boolean loadTemplates(TaskModel model, Map<String, HostTensor> tensors, Path checkpoint) {
        HostTensor t = findTemplates(tensors);
        if (t == null) {
            return false;
        }
        long[] s = t.shape();
        long[] want = model.templates().getShape().getShape();
        if (s.length != 4 || s[0] != Modality.TEMPLATED.size() || s[1] != want[1] || s[2] != want[2]
                || s[3] != want[3]) {
            throw new MedvpException("checkpoint " + checkpoint + ": templates " + Arrays.toString(s) + " do not fit "
                    + "8 modalities on the model's template grid " + Arrays.toString(want));
        }
        try (NDManager tmp = model.templates().getManager().newSubManager()) {
            NDArray all = HostArrays.toNDArray(tmp, t).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            long[] rows = model.spec().modalities().stream().mapToLong(Modality::templateIndex).toArray();
            NDArray picked = all.get(HostArrays.copyOf(tmp, rows, new ai.djl.ndarray.types.Shape(rows.length)));
            NDArray flat = picked.reshape(rows.length, -1);
            NDArray lo = flat.min(new int[] {1}, true);
            NDArray range = Scalars.add(flat.max(new int[] {1}, true).sub(lo), EPS);
            model.setTemplates(HostArrays.toHost(flat.sub(lo).div(range).reshape(picked.getShape())));
        }
        return true;
    }

    private static Map<String, HostTensor> read(Path given) throws IOException {
        Path checkpoint = RunFolder.checkpointIn(given, "checkpoint", false, Progress.NONE);
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
