package io.github.medvp.pretrain.brainmvp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.medvp.MedvpException;
import io.github.medvp.nn.Presets;
import io.github.medvp.nn.ReconstructionDecoder;
import io.github.medvp.nn.ReferenceNames;
import io.github.medvp.nn.StateDictImport;
import io.github.medvp.nn.StateDictImport.Layout;
import io.github.medvp.nn.StateDictImport.Target;
import io.github.medvp.nn.StateDicts;
import io.github.medvp.nn.UniFormer3d;
import io.github.medvp.train.NamedParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The BrainMVP pre-training network ({@code RecModel} of the reference): a one-channel {@link UniFormer3d}
 * encoder, the linear {@link ReconstructionDecoder} and the {@link ModalityTemplates}, initialised as the reference
 * (the {@code _init_weights} of {@code UniFormer} and {@code UniSegDecoder}: Kaiming-normal fan-out convolutions,
 * PyTorch-default transposed convolutions and linears, zero templates).
 * <p>
 * Forward: {@code (x)} (N, 1, X, Y, Z) → {@code (x1, x2, x3, x4, reconstruction)}, x4 after the encoder's final
 * BatchNorm, the reconstruction (N, 1, X, Y, Z). The templates are used by {@link BrainMvpStep}, not by the forward.
 */
public final class BrainMvpModel extends AbstractBlock {

    /** Reference keys (after {@code module.}/{@code uniformer.} are stripped) that pre-training never uses. */
    private static final List<String> UNUSED_REFERENCE_PREFIXES = List.of("decoder.proj1.",
            "decoder.decoder5.conv_block.", "decoder.decoder4.conv_block.", "decoder.decoder3.conv_block.",
            "decoder.decoder2.conv_block.");

    private final UniFormer3d encoder;
    private final ReconstructionDecoder decoder;
    private final ModalityTemplates templates;

    private BrainMvpModel(Builder b) {
        encoder = addChildBlock("encoder", b.encoder.optInChannels(1).optReturnInput(false).build());
        decoder = addChildBlock("decoder", ReconstructionDecoder.builder().optWidths(encoder.getWidths()).build());
        templates = addChildBlock("templates", b.templates.build());
    }

    /** @return a builder; the encoder is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder with the parity-fixture encoder ({@link Presets#tiny()}) */
    public static Builder tiny() {
        return builder().setEncoder(Presets.tiny());
    }

    /** @return a builder with UniFormer-S as BrainMVP uses it ({@link Presets#small()}) */
    public static Builder small() {
        return builder().setEncoder(Presets.small());
    }

    /** @return the encoder */
    public UniFormer3d getEncoder() {
        return encoder;
    }

    /** @return the reconstruction decoder */
    public ReconstructionDecoder getDecoder() {
        return decoder;
    }

    /** @return the modality templates */
    public ModalityTemplates getTemplates() {
        return templates;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList features = encoder.forward(ps, inputs, training, params);
        NDList out = new NDList(features);
        out.add(decoder.forward(ps, features, training, params).singletonOrThrow());
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] features = encoder.getOutputShapes(inputShapes);
        List<Shape> out = new ArrayList<>(Arrays.asList(features));
        out.add(decoder.getOutputShapes(features)[0]);
        return out.toArray(new Shape[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        decoder.initialize(manager, dataType, encoder.getOutputShapes(inputShapes));
        Shape crop = inputShapes[0];
        templates.initialize(manager, dataType, new Shape(1), new Shape(1, 3), crop);
    }

    /**
     * The named tensors to train and checkpoint: {@code encoder.*}, {@code decoder.*} (DJL parameter names) and
     * {@code rep_template}; BatchNorm running statistics are included but not trainable.
     *
     * @return the parameters of the initialised model
     */
    public NamedParameters namedParameters() {
        return NamedParameters.builder().addBlock("encoder.", encoder).addBlock("decoder.", decoder)
                .addBlock("", templates).build();
    }

    /**
     * The reference names of every tensor ({@code encoder.patch_embed1.proj.weight}, …, {@code decoder.out_1.…},
     * {@code rep_template}), for import and export of reference checkpoints.
     *
     * @return targets by reference name
     */
    public Map<String, Target> referenceNames() {
        Map<String, Target> t = ReferenceNames.pretrainingModel(encoder, decoder);
        t.put("rep_template", new Target(templates.getTemplates(), Layout.AS_IS));
        return t;
    }

    /**
     * Loads a reference pre-training checkpoint ({@code model.state_dict()} of {@code RecModel}, possibly under
     * {@code state_dict} and with {@code module.}/{@code uniformer.} prefixes): encoder, the used decoder layers and
     * {@code rep_template}. The decoder's residual blocks and {@code proj1}, which pre-training never uses, are
     * skipped; anything else missing, unexpected or mis-shaped fails the load before anything is written.
     *
     * @param stateDict tensors by reference key
     * @param source file or description for messages
     * @return what was loaded
     * @throws MedvpException when the checkpoint does not fit (other preset, other template modalities or grid)
     */
    public StateDictImport.Report importReference(Map<String, NDArray> stateDict, String source) {
        StateDictImport importer = StateDictImport.builder().optStrict(false).build();
        Map<String, NDArray> used = new java.util.LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        Map<String, Target> targets = referenceNames();
        for (Map.Entry<String, NDArray> e : stateDict.entrySet()) {
            String key = importer.normalise(e.getKey());
            if (UNUSED_REFERENCE_PREFIXES.stream().anyMatch(key::startsWith) || key.endsWith("num_batches_tracked")) {
                continue;
            }
            if (!targets.containsKey(key)) {
                unexpected.add(key);
            }
            used.put(e.getKey(), e.getValue());
        }
        List<String> missing = new ArrayList<>(targets.keySet());
        used.keySet().forEach(k -> missing.remove(importer.normalise(k)));
        if (!unexpected.isEmpty() || !missing.isEmpty()) {
            throw new MedvpException("Checkpoint " + source + " is not a BrainMVP pre-training checkpoint of this "
                    + "model: missing " + summary(missing) + ", unexpected " + summary(unexpected)
                    + "; check the preset and the template modalities");
        }
        return StateDictImport.builder().build().load(targets, used, source);
    }

    /**
     * Reads a reference {@code .pt} (or safetensors) checkpoint and loads it, see {@link #importReference(Map,
     * String)}.
     *
     * @param file the checkpoint
     * @return what was loaded
     * @throws IOException when the file cannot be read
     */
    public StateDictImport.Report importReference(Path file) throws IOException {
        try (NDManager tmp = templates.getTemplates().getArray().getManager().newSubManager()) {
            return importReference(StateDicts.read(tmp, file), file.toString());
        }
    }

    private static String summary(List<String> keys) {
        return keys.isEmpty() ? "none" : keys.size() + " " + keys.subList(0, Math.min(8, keys.size()));
    }

    /** Builder for {@link BrainMvpModel}. */
    public static final class Builder {
        private UniFormer3d.Builder encoder;
        private ModalityTemplates.Builder templates = ModalityTemplates.builder();

        private Builder() {
        }

        /**
         * @param encoder the encoder configuration (e.g. {@link Presets#small()}); input channels are set to 1
         * @return this
         */
        public Builder setEncoder(UniFormer3d.Builder encoder) {
            this.encoder = encoder;
            return this;
        }

        /** @param templates template modalities and grid, default all 8 on 240×240×155 @return this */
        public Builder optTemplates(ModalityTemplates.Builder templates) {
            this.templates = templates;
            return this;
        }

        /** @return the model (initialise with the input shape (N, 1, X, Y, Z) before use) */
        public BrainMvpModel build() {
            if (encoder == null) {
                throw new IllegalArgumentException("BrainMvpModel: setEncoder is required");
            }
            return new BrainMvpModel(this);
        }
    }
}
