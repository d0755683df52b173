package io.github.medvp.tasks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.SettingsException;
import io.github.medvp.engine.HostArrays;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.Safetensors;
import io.github.medvp.io.TensorFiles;
import io.github.medvp.nn.EncoderAxes;
import io.github.medvp.nn.EncoderPreset;
import io.github.medvp.nn.ReferenceNames;
import io.github.medvp.nn.StateDictImport;
import io.github.medvp.nn.UniFormer3d;
import io.github.medvp.nn.VolumeEncoder;
import io.github.medvp.nn.swin.Swin3d;
import io.github.medvp.train.Checkpoint;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The encoder of a checkpoint, sized from the checkpoint itself so no preset or channel count has to be given.
 * <ul>
 * <li>MedVP checkpoints (safetensors with a MedVP header): a BrainMVP pre-training checkpoint or a fine-tuned model
 * (tensors {@code model.encoder.*}; header {@code encoder} = the family, UniFormer when absent, {@code preset},
 * {@code encoder_axes}), or an MG-3D pre-training checkpoint (header {@code mg3d}, tensors
 * {@code model.vision_encoder.*}: a one-channel Swin in MG-3D's {@link EncoderAxes#ZYX} order);</li>
 * <li>reference state dicts ({@code .pt} through the restricted unpickler, or safetensors; possibly under a
 * {@code state_dict}/{@code model} entry and {@code module.}, {@code model.} or {@code backbone.} prefixes): BrainMVP's
 * UniFormer ({@code patch_embed1.proj.weight}, possibly under {@code uniformer.}), or MONAI 0.9's
 * {@code SwinTransformer} ({@code patch_embed.proj.weight}, {@code layers1.0.blocks.0…}) as MG-3D releases it
 * ({@code vision_encoder.*}: {@link EncoderAxes#ZYX}, as MG-3D pre-trains), as MONAI's SwinUNETR holds it
 * ({@code swinViT.*}: {@link EncoderAxes#XYZ}, trained on volumes as loaded) or bare (taken as
 * {@link EncoderAxes#XYZ}, MONAI's order: the state dict's own tensors in, its own features out).</li>
 * </ul>
 * A reference Swin's order is an assumption where its keys do not say it (bare keys, {@code swinViT.}): the
 * {@code encoder_axes} setting ({@link #describe(Path, EncoderAxes)}) overrides it there, e.g. {@code zyx} for MG-3D
 * weights saved without their {@code vision_encoder.} prefix; where the checkpoint records the order (a MedVP header,
 * {@code vision_encoder.}) or the family fixes it (UniFormer), a different setting is refused.
 * <p>
 * The size is recognised from the stem's width (UniFormer 16 tiny, 64 small; Swin 12 tiny, 48 B, 96 L), the input
 * channels from its second axis; a Swin's depths and heads are checked against the preset's. A reference Swin loads
 * strictly: missing, unexpected or mis-shaped keys under its prefix fail with one line listing them.
 */
public final class EncoderCheckpoint {

    private static final String MEDVP_PREFIX = Checkpoint.MODEL + "encoder.";
    private static final String MG3D_PREFIX = Checkpoint.MODEL + "vision_encoder.";
    private static final String UNIFORMER_EMBED = "patch_embed1.proj.weight";
    private static final String SWIN_EMBED = "patch_embed.proj.weight";
    /** Prefixes of a Swin's keys, in the order they are looked for, and the axis order each implies. */
    private static final Map<String, EncoderAxes> SWIN_PREFIXES = swinPrefixes();
    /** The prefix of the encoder's keys in a MONAI SwinUNETR state dict. */
    static final String SWIN_UNETR_ENCODER = "swinViT.";
    /** Wrappers around a reference model's keys (DDP, Lightning, detection-style backbones). */
    private static final String[] WRAPPERS = {"module.", "model.", "backbone."};

    private EncoderCheckpoint() {
    }

    /**
     * What a checkpoint's encoder is.
     *
     * @param file the checkpoint file
     * @param preset family and size
     * @param axes the axis order its weights expect
     * @param inChannels its input channels
     * @param origin what kind of checkpoint it is, for messages
     * @param axesAssumed whether {@code axes} is assumed (a reference Swin's bare or {@code swinViT.} keys) rather
     *     than recorded by the checkpoint or fixed by the family
     */
    public record Description(Path file, EncoderPreset preset, EncoderAxes axes, int inChannels, String origin,
            boolean axesAssumed) {

        /**
         * @param wanted the {@code encoder_axes} setting, null for the checkpoint's
         * @return this description in that order
         * @throws SettingsException when the checkpoint records or its family fixes another order
         */
        Description withAxes(EncoderAxes wanted) {
            if (wanted == null || wanted == axes) {
                return this;
            }
            if (!axesAssumed) {
                throw SettingsException.of("encoder_axes", wanted.key(), "auto or " + axes.key() + " (" + file
                        + ", " + origin + ", holds a " + preset.key() + " encoder in " + axes.key() + " order)");
            }
            return new Description(file, preset, wanted, inChannels, origin, false);
        }
    }

    private static Map<String, EncoderAxes> swinPrefixes() {
        Map<String, EncoderAxes> m = new LinkedHashMap<>();
        m.put("vision_encoder.swinViT.", EncoderAxes.ZYX);
        m.put("vision_encoder.", EncoderAxes.ZYX);
        m.put("swinViT.", EncoderAxes.XYZ);
        m.put("", EncoderAxes.XYZ);
        return m;
    }

    /**
     * @param given the checkpoint, or a run folder for its last one
     * @return what encoder it holds, without building it
     * @throws IOException when the file cannot be read
     * @throws MedvpException when it holds no encoder of a known size
     */
    public static Description describe(Path given) throws IOException {
        return describe(given, null);
    }

    /**
     * @param given the checkpoint, or a run folder for its last one
     * @param axes the {@code encoder_axes} setting: null for the order the checkpoint records or implies
     * @return what encoder it holds, in that order, without building it
     * @throws IOException when the file cannot be read
     * @throws MedvpException when it holds no encoder of a known size
     * @throws SettingsException when {@code axes} contradicts an order the checkpoint records
     */
    public static Description describe(Path given, EncoderAxes axes) throws IOException {
        return Source.open(given).description.withAxes(axes);
    }

    /**
     * @param given the checkpoint, or a run folder for its last one
     * @param manager owner of the encoder's parameters
     * @return the initialised encoder with the checkpoint's weights, for eval-mode use
     * @throws IOException when the file cannot be read
     * @throws MedvpException when it holds no complete encoder of a known size
     */
    public static TaskEncoder load(Path given, NDManager manager) throws IOException {
        return load(given, manager, null);
    }

    /**
     * @param given the checkpoint, or a run folder for its last one
     * @param manager owner of the encoder's parameters
     * @param axes the {@code encoder_axes} setting: null for the order the checkpoint records or implies
     * @return the initialised encoder with the checkpoint's weights, computing in that order
     * @throws IOException when the file cannot be read
     * @throws MedvpException when it holds no complete encoder of a known size
     * @throws SettingsException when {@code axes} contradicts an order the checkpoint records
     */
    public static TaskEncoder load(Path given, NDManager manager, EncoderAxes axes) throws IOException {
        Source s = Source.open(given);
        return load(s, s.description.withAxes(axes), manager);
    }

    /**
     * For a model whose axis order was resolved from this checkpoint: its order where the checkpoint's is assumed,
     * the checkpoint's own where recorded (the caller compares).
     */
    static TaskEncoder loadInto(Path given, NDManager manager, EncoderAxes modelAxes) throws IOException {
        Source s = Source.open(given);
        return load(s, s.description.axesAssumed() ? s.description.withAxes(modelAxes) : s.description, manager);
    }

    private static TaskEncoder load(Source s, Description d, NDManager manager) {
        VolumeEncoder encoder = d.preset().build(d.inChannels());
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, d.inChannels(), 32, 32, 32));
        if (s.blockPrefix != null) {
            NamedParameters.builder().addBlock(s.blockPrefix, encoder).build().load(s.tensors, Checkpoint.MODEL,
                    Checkpoint.EXTRA, d.file().toString());
        } else {
            loadReference(s, encoder, manager);
        }
        return new TaskEncoder(encoder, d.preset(), d.axes());
    }

    /**
     * @param given a checkpoint
     * @return its tensors without wrappers when it is a reference MONAI SwinUNETR state dict (its encoder under
     *     {@value #SWIN_UNETR_ENCODER}), else an empty map
     * @throws IOException when it cannot be read
     */
    static Map<String, HostTensor> swinUnetrTensors(Path given) throws IOException {
        Source s = Source.open(given);
        return SWIN_UNETR_ENCODER.equals(s.referencePrefix) ? s.tensors : Map.of();
    }

    private static void loadReference(Source s, VolumeEncoder encoder, NDManager manager) {
        Path file = s.description.file();
        try (NDManager tmp = manager.newSubManager()) {
            Map<String, NDArray> stateDict = new LinkedHashMap<>();
            s.tensors.forEach((k, v) -> stateDict.put(k, HostArrays.toNDArray(tmp, v)));
            if (encoder instanceof Swin3d swin) {
                checkArchitecture(s, swin);
                StateDictImport.builder().optStripPrefixes().optDropSegments().optSelectPrefix(s.referencePrefix)
                        .build().load(ReferenceNames.swin(swin), stateDict, file.toString());
                return;
            }
            // Non-strict: a pre-training checkpoint also holds the decoder and templates, which the encoder lacks.
            StateDictImport importer = StateDictImport.builder().optStrict(false).build();
            StateDictImport.Report report = importer.load(ReferenceNames.encoder((UniFormer3d) encoder), stateDict,
                    file.toString());
            if (!report.missing().isEmpty() || !report.skipped().isEmpty()) {
                throw new MedvpException(file + " does not hold a complete encoder: missing " + report.missing()
                        + ", wrong shape " + report.skipped());
            }
        }
    }

    /** The reference Swin's depths (blocks per stage) and heads (bias-table columns) against the preset's. */
    private static void checkArchitecture(Source s, Swin3d swin) {
        int stages = swin.getDepths().length;
        int[] depths = new int[stages];
        int[] heads = new int[stages];
        for (int st = 0; st < stages; st++) {
            String layer = s.referencePrefix + "layers" + (st + 1) + ".0.blocks.";
            while (s.tensors.containsKey(layer + depths[st] + ".norm1.weight")) {
                depths[st]++;
            }
            HostTensor table = s.tensors.get(layer + "0.attn.relative_position_bias_table");
            heads[st] = table == null || table.rank() != 2 ? -1 : (int) table.shape()[1];
        }
        if (!java.util.Arrays.equals(depths, swin.getDepths()) || !java.util.Arrays.equals(heads, swin.getHeads())) {
            throw new MedvpException(s.description.file() + ": a Swin of width " + swin.getEmbedDim() + " with depths "
                    + java.util.Arrays.toString(depths) + " and heads " + java.util.Arrays.toString(heads)
                    + " is no known size; " + s.description.preset() + " has depths "
                    + java.util.Arrays.toString(swin.getDepths()) + " and heads "
                    + java.util.Arrays.toString(swin.getHeads()));
        }
    }

    /** A checkpoint read once: its tensors and what encoder they hold. */
    private static final class Source {
        private final Description description;
        private final Map<String, HostTensor> tensors;
        /** MedVP checkpoints: the block prefix of the encoder's tensors (after {@code model.}); null otherwise. */
        private final String blockPrefix;
        /** Reference Swin state dicts: the prefix of its keys. */
        private final String referencePrefix;

        private Source(Description description, Map<String, HostTensor> tensors, String blockPrefix,
                String referencePrefix) {
            this.description = description;
            this.tensors = Collections.unmodifiableMap(tensors);
            this.blockPrefix = blockPrefix;
            this.referencePrefix = referencePrefix;
        }

        /**
         * The last file read, while memory allows: a fine-tuning start describes the checkpoint, loads its encoder
         * and looks for a SwinUNETR decoder in it, and a Swin-B {@code .pt} takes seconds to unpickle each time.
         */
        private static volatile SoftReference<Cached> last = new SoftReference<>(null);

        /** A read file and what identifies its version (a rewrite by rename is a new file key). */
        private record Cached(Path file, Object fileKey, long size, FileTime modified, Source source) {
        }

        static Source open(Path given) throws IOException {
            Path file = RunFolder.checkpointIn(given, "model", false, Progress.NONE);
            if (!Files.isRegularFile(file)) {
                throw new MedvpException("model " + file + " does not exist");
            }
            Path real = file.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            Cached c = last.get();
            if (c != null && c.file().equals(real) && Objects.equals(c.fileKey(), a.fileKey()) && c.size() == a.size()
                    && c.modified().equals(a.lastModifiedTime())) {
                return c.source();
            }
            Source s = read(file);
            last = new SoftReference<>(new Cached(real, a.fileKey(), a.size(), a.lastModifiedTime(), s));
            return s;
        }

        private static Source read(Path file) throws IOException {
            Safetensors.Contents contents = null;
            try {
                contents = Safetensors.read(file);
            } catch (IOException e) {
                // Not safetensors: a torch.save file, read as a reference state dict below.
            }
            String header = contents == null ? null : contents.metadata().get(Checkpoints.METADATA_KEY);
            return header != null ? medvp(file, contents.tensors(), JsonParser.parseString(header).getAsJsonObject())
                    : reference(file, unwrapped(TensorFiles.readStateDict(file)));
        }

        private static Source medvp(Path file, Map<String, HostTensor> tensors, JsonObject h) {
            boolean mg3d = h.has(io.github.medvp.pretrain.mg3d.Mg3dCheckpoint.CONFIG_KEY);
            String prefix = mg3d ? MG3D_PREFIX : MEDVP_PREFIX;
            EncoderPreset.Family family = mg3d ? EncoderPreset.Family.SWIN
                    : h.has("encoder") ? family(h.get("encoder").getAsString(), file) : EncoderPreset.Family.UNIFORMER;
            String stem = family == EncoderPreset.Family.SWIN ? "patch_embed" : "patch_embed1";
            HostTensor embed = tensors.entrySet().stream()
                    // DJL numbers child blocks ("01patch_embed1"); the stem convolution is its only 5D tensor.
                    .filter(e -> e.getKey().startsWith(prefix) && e.getKey().contains(stem)
                            && e.getValue().rank() == 5)
                    .map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new MedvpException(file + " holds no pre-trained encoder (" + prefix + stem
                            + "...): use a BrainMVP or MG-3D pre-training checkpoint, a fine-tuned model or a "
                            + "reference state dict"));
            EncoderPreset preset;
            EncoderAxes axes;
            String origin;
            if (mg3d) {
                JsonObject config = h.getAsJsonObject(io.github.medvp.pretrain.mg3d.Mg3dCheckpoint.CONFIG_KEY);
                preset = EncoderPreset.of(family.key(), config.get("preset").getAsString(), file.toString());
                axes = EncoderAxes.ZYX;
                origin = "MG-3D pre-training checkpoint";
            } else {
                preset = h.has("preset") ? EncoderPreset.of(family.key(), h.get("preset").getAsString(),
                        file.toString()) : ofWidth(file, family, embed.shape()[0]);
                axes = h.has("encoder_axes") ? EncoderAxes.of(h.get("encoder_axes").getAsString(), file.toString())
                        : EncoderAxes.XYZ;
                origin = TaskSpec.METHOD.equals(h.has("method") ? h.get("method").getAsString() : null)
                        ? "fine-tuned model" : "BrainMVP pre-training checkpoint";
            }
            String block = prefix.substring(Checkpoint.MODEL.length());
            return new Source(new Description(file, preset, axes, (int) embed.shape()[1], origin, false), tensors,
                    block, null);
        }

        private static Source reference(Path file, Map<String, HostTensor> tensors) {
            for (Map.Entry<String, EncoderAxes> p : SWIN_PREFIXES.entrySet()) {
                HostTensor embed = tensors.get(p.getKey() + SWIN_EMBED);
                if (embed != null && embed.rank() == 5) {
                    String origin = p.getKey().startsWith("vision_encoder.") ? "MG-3D Swin weights (vision_encoder.)"
                            : p.getKey().isEmpty() ? "Swin state dict" : "MONAI SwinUNETR weights (swinViT.)";
                    EncoderPreset preset = ofWidth(file, EncoderPreset.Family.SWIN, embed.shape()[0]);
                    return new Source(new Description(file, preset, p.getValue(), (int) embed.shape()[1], origin,
                            p.getValue() == EncoderAxes.XYZ), tensors, null, p.getKey());
                }
            }
            StateDictImport names = StateDictImport.builder().build();
            HostTensor embed = tensors.entrySet().stream()
                    .filter(e -> names.normalise(e.getKey()).equals(UNIFORMER_EMBED)).map(Map.Entry::getValue)
                    .findFirst().orElseThrow(() -> new MedvpException(file + " holds no encoder: neither a UniFormer ("
                            + UNIFORMER_EMBED + ") nor a Swin (" + SWIN_EMBED + ", possibly under vision_encoder. or "
                            + "swinViT.)"));
            EncoderPreset preset = ofWidth(file, EncoderPreset.Family.UNIFORMER, embed.shape()[0]);
            return new Source(new Description(file, preset, EncoderAxes.XYZ, (int) embed.shape()[1],
                    "UniFormer state dict", false), tensors, null, "");
        }

        /** Keys without the wrappers of training scripts, however they nest ({@code module.model.}). */
        private static Map<String, HostTensor> unwrapped(Map<String, HostTensor> tensors) {
            Map<String, HostTensor> out = new LinkedHashMap<>();
            tensors.forEach((k, v) -> {
                String key = k;
                for (boolean stripped = true; stripped;) {
                    stripped = false;
                    for (String w : WRAPPERS) {
                        if (key.startsWith(w)) {
                            key = key.substring(w.length());
                            stripped = true;
                        }
                    }
                }
                out.put(key, v);
            });
            return out;
        }
    }

    private static EncoderPreset ofWidth(Path file, EncoderPreset.Family family, long width) {
        for (EncoderPreset p : EncoderPreset.values()) {
            if (p.family() == family && stemWidth(p) == width) {
                return p;
            }
        }
        String known = family == EncoderPreset.Family.SWIN ? "12 (tiny), 48 (Swin-B) or 96 (Swin-L)"
                : "16 (tiny) or 64 (small)";
        throw new MedvpException(file + ": the " + family.key() + " stem width " + width + " is no known size: "
                + known);
    }

    /** The stem's output channels: the first feature width (unbuilt blocks allocate no parameters). */
    private static int stemWidth(EncoderPreset p) {
        return p.build(1).getFeatureWidths()[0];
    }

    private static EncoderPreset.Family family(String key, Path file) {
        for (EncoderPreset.Family f : EncoderPreset.Family.values()) {
            if (f.key().equals(key)) {
                return f;
            }
        }
        throw new MedvpException(file + ": unknown encoder family '" + key + "'; known: uniformer, swin");
    }
}
