package io.github.medvp.tasks;

import io.github.medvp.nn.UniFormerPreset;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medvp.MedvpException;
import io.github.medvp.Progress;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.Safetensors;
import io.github.medvp.nn.ReferenceNames;
import io.github.medvp.nn.StateDictImport;
import io.github.medvp.nn.StateDicts;
import io.github.medvp.nn.UniFormer3d;
import io.github.medvp.train.Checkpoint;
import io.github.medvp.train.Checkpoints;
import io.github.medvp.train.NamedParameters;
import io.github.medvp.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The UniFormer encoder of a checkpoint, sized from the checkpoint itself so no preset or channel count has to be
 * given: a MedVP pre-training checkpoint (tensors {@code model.encoder.*}, preset in the header) or a reference state
 * dict ({@code .pt} or safetensors; {@code patch_embed1.proj.weight} etc., possibly under {@code uniformer.} or
 * {@code module.}). The preset is read from the header or recognised by the stage-1 width (16 tiny, 64 small); the
 * input channels are the second axis of the stage-1 patch embedding.
 */
public final class EncoderCheckpoint {

    private static final String MEDVP_PREFIX = Checkpoint.MODEL + "encoder.";
    private static final String REFERENCE_EMBED = "patch_embed1.proj.weight";

    private EncoderCheckpoint() {
    }

    /**
     * @param given the checkpoint, or a run folder for its last one
     * @param manager owner of the encoder's parameters
     * @return the initialised encoder with the checkpoint's weights, for eval-mode use
     * @throws IOException when the file cannot be read
     * @throws MedvpException when it holds no complete UniFormer encoder of a known preset
     */
    public static UniFormer3d load(Path given, NDManager manager) throws IOException {
        Path file = RunFolder.checkpointIn(given, "model", false, Progress.NONE);
        if (!Files.isRegularFile(file)) {
            throw new MedvpException("model " + file + " does not exist");
        }
        Safetensors.Contents contents = null;
        try {
            contents = Safetensors.read(file);
        } catch (IOException e) {
            // Not safetensors: a torch.save file, read as a reference state dict below.
        }
        String header = contents == null ? null : contents.metadata().get(Checkpoints.METADATA_KEY);
        return header != null ? fromMedvp(file, contents.tensors(), header, manager) : fromReference(file, manager);
    }

    private static UniFormer3d fromMedvp(Path file, Map<String, HostTensor> tensors, String header,
            NDManager manager) {
        HostTensor embed = tensors.entrySet().stream()
                // DJL numbers child blocks ("01patch_embed1"); the stage-1 convolution is its only 5D tensor.
                .filter(e -> e.getKey().startsWith(MEDVP_PREFIX) && e.getKey().contains("patch_embed1")
                        && e.getValue().rank() == 5)
                .map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new MedvpException(file + " holds no UniFormer encoder (" + MEDVP_PREFIX
                        + "patch_embed1...): use a BrainMVP pre-training checkpoint"));
        JsonObject h = JsonParser.parseString(header).getAsJsonObject();
        String preset = h.has("preset") ? h.get("preset").getAsString() : presetOfWidth(file, embed.shape()[0]);
        UniFormer3d encoder = build(file, preset, (int) embed.shape()[1], manager);
        NamedParameters.builder().addBlock("encoder.", encoder).build().load(tensors, Checkpoint.MODEL,
                Checkpoint.EXTRA, file.toString());
        return encoder;
    }

    private static UniFormer3d fromReference(Path file, NDManager manager) throws IOException {
        Map<String, NDArray> stateDict = StateDicts.read(manager, file);
        StateDictImport importer = StateDictImport.builder().optStrict(false).build();
        NDArray embed = stateDict.entrySet().stream()
                .filter(e -> importer.normalise(e.getKey()).equals(REFERENCE_EMBED)).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new MedvpException(file + " holds no UniFormer encoder ("
                        + REFERENCE_EMBED + ")"));
        Shape s = embed.getShape();
        UniFormer3d encoder = build(file, presetOfWidth(file, s.get(0)), (int) s.get(1), manager);
        // Non-strict: a pre-training checkpoint also holds the decoder and templates, which features do not use.
        StateDictImport.Report report = importer.load(ReferenceNames.encoder(encoder), stateDict, file.toString());
        if (!report.missing().isEmpty() || !report.skipped().isEmpty()) {
            throw new MedvpException(file + " does not hold a complete encoder: missing " + report.missing()
                    + ", wrong shape " + report.skipped());
        }
        return encoder;
    }

    private static String presetOfWidth(Path file, long width) {
        if (width == 16 || width == 64) {
            return (width == 16 ? UniFormerPreset.TINY : UniFormerPreset.SMALL).key();
        }
        throw new MedvpException(file + ": stage-1 width " + width + " is neither the tiny (16) nor the small (64) "
                + "UniFormer");
    }

    private static UniFormer3d build(Path file, String preset, int channels, NDManager manager) {
        UniFormer3d.Builder b = UniFormerPreset.of(preset, file.toString()).encoder();
        UniFormer3d encoder = b.optInChannels(channels).optReturnInput(false).build();
        encoder.initialize(manager, DataType.FLOAT32, new Shape(1, channels, 32, 32, 32));
        return encoder;
    }
}
