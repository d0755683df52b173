package io.github.medvp.fiji.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import io.github.medvp.fiji.Launched;
import io.github.medvp.fiji.Launcher;
import io.github.medvp.io.HostTensor;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Safetensors;
import io.github.medvp.io.Volume;
import io.github.medvp.pretrain.mg3d.Mg3dFiles;
import io.github.medvp.train.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MG-3D's Swin in the downstream commands, from the launcher as users run them: a tiny MG-3D pre-training, then
 * finetune-seg from its run folder (a SwinUNETR on two modalities, the one-channel stem inflated), then segment; the
 * parity fixture's reference Swin weights through features (equal to the reference's stage outputs) and
 * finetune-cls; an encoder setting that contradicts init refused with one line.
 */
class SwinCommandsTest {

    private static final float TOLERANCE = 1e-4f;

    @TempDir
    static Path dir;
    private static Path studies;

    @BeforeAll
    static void data() throws Exception {
        // t1 and flair of PretrainData's studies, with a label map of the bright ball.
        studies = Files.createDirectories(dir.resolve("studies"));
        Path raw = PretrainData.write(dir.resolve("raw"), 4, 32);
        try (var files = Files.list(raw)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.contains("_t1.") || n.contains("_flair.")) {
                    Files.copy(f, studies.resolve(n));
                }
                if (n.contains("_t1.")) {
                    Volume v = NiftiReader.read(f);
                    float[] t = v.toFloatImg().update(null).getCurrentStorageArray();
                    float[] seg = new float[t.length];
                    for (int i = 0; i < t.length; i++) {
                        seg[i] = t[i] > 60 ? 1 : 0;
                    }
                    NiftiWriter.write(new Volume(ArrayImgs.floats(seg, 32, 32, 32), v.geometry()),
                            studies.resolve(n.replace("_t1.", "_seg.")));
                }
            }
        }
    }

    private static Path parity() {
        Path fixture = Path.of(System.getProperty("medvp.shared", "../shared")).resolve("parity")
                .resolve("swin-tiny");
        assumeTrue(Files.isDirectory(fixture), "../shared not found (" + fixture.toAbsolutePath()
                + "); reference Swin weights test skipped");
        return fixture;
    }

    @Test
    void mg3dPretrainingThenSegmentationFineTuningThenSegment() throws Exception {
        Path mg3d = dir.resolve("mg3d");
        Launched.run("mg3d-pretrain", "data=" + Mg3dFiles.write(Files.createDirectories(dir.resolve("ct"))),
                "output=" + mg3d, "preset=tiny", "epochs=1", "batch=2", "size=32,32,32", "spacing=1,1,2",
                "device=cpu", "seed=1").expect(0);

        // A contradicting encoder is a settings error (exit 2), one line, before any run folder.
        Path refused = dir.resolve("refused");
        String line = Launched.run("finetune-seg", "data=" + studies, "output=" + refused, "init=" + mg3d,
                "encoder=swin-b", "epochs=1", "crop=32", "device=cpu").expect(Launcher.USAGE).err().lines()
                .reduce((a, b) -> b).orElse("");
        assertTrue(line.startsWith("medvp: finetune-seg: setting 'encoder': swin-b is not allowed; use swin-tiny "
                + "(init "), line);
        assertTrue(!Files.exists(refused), "nothing written");

        Path run = dir.resolve("seg");
        Launched.run("finetune-seg", "data=" + studies, "output=" + run, "init=" + mg3d, "modalities=t1,flair",
                "labels=binary", "epochs=1", "crop=32", "batch=2", "validate_every=1", "workers=1", "device=cpu",
                "log_every=1").expect(0);
        Path best = run.resolve("checkpoints").resolve("best.safetensors");
        // The one-channel pre-trained stem now takes both modalities (inflated: SwinTaskModelTest checks the values).
        assertArrayEquals(new long[] {12, 2, 2, 2, 2}, Checkpoints.read(best).tensors()
                .get("model.encoder.01patch_embed_weight").shape());
        JsonObject h = Checkpoints.read(best).header();
        assertEquals("swin", h.get("encoder").getAsString());
        assertEquals("tiny", h.get("preset").getAsString());
        assertEquals("zyx", h.get("encoder_axes").getAsString(), "MG-3D pre-trains on transposed volumes");

        Path labels = dir.resolve("labels");
        Launched.run("segment", "model=" + best, "input=" + studies, "output=" + labels, "device=cpu").expect(0);
        assertArrayEquals(new long[] {32, 32, 32}, NiftiReader.read(labels.resolve("case0_seg.nii.gz"))
                .dimensions());
        // Fiji's form (--run, as a macro's run() call) gives the same labels.
        Path viaRun = dir.resolve("labels-run");
        Launched.run("--run", "MedVP Segment", "model='" + best + "',input='" + studies + "',output='" + viaRun
                + "',device='cpu'").expect(0);
        assertArrayEquals(NiftiReader.read(labels.resolve("case1_seg.nii.gz")).toFloatImg().update(null)
                .getCurrentStorageArray(), NiftiReader.read(viaRun.resolve("case1_seg.nii.gz")).toFloatImg()
                        .update(null).getCurrentStorageArray());
        // Swin models have no templates: fill=templates is refused in one line.
        String err = Launched.run("segment", "model=" + best, "input=" + studies.resolve("case0_t1.nii.gz"),
                "modalities=t1", "fill=templates", "output=" + labels, "device=cpu").expect(Launcher.FAILED).err();
        assertTrue(err.contains("fill=templates: a swin-tiny model has no modality templates"), err);
    }

    @ParameterizedTest
    @ValueSource(strings = {"weights.pt", "weights.safetensors"})
    void featuresOfReferenceSwinWeightsAreTheReferenceStageOutputs(String weights) throws Exception {
        Path fixture = parity();
        Path features = dir.resolve("features-" + weights + ".safetensors");
        Launched.run("features", "model=" + fixture.resolve(weights), "input=" + fixture.resolve(
                "input.safetensors"), "output=" + features, "device=cpu").expect(0);
        Map<String, HostTensor> got = Safetensors.read(features).tensors();
        Map<String, HostTensor> expected = Safetensors.read(fixture.resolve("expected.safetensors")).tensors();
        assertEquals(List.of("x0", "x1", "x2", "x3", "x4"), List.copyOf(got.keySet()));
        for (String k : got.keySet()) {
            assertArrayEquals(expected.get(k).shape(), got.get(k).shape(), k);
            float[] a = expected.get(k).toFloatArray();
            float[] b = got.get(k).toFloatArray();
            float max = 0;
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs(a[i] - b[i]));
            }
            assertTrue(max <= TOLERANCE, k + " max abs error " + max);
        }
    }

    @Test
    void classificationFineTuningFromReferenceSwinWeightsThenClassify() throws Exception {
        Path weights = parity().resolve("weights.pt");
        Path csv = dir.resolve("classes.csv");
        Files.writeString(csv, "case0,a\ncase1,b\ncase2,a\ncase3,b\n");
        Path run = dir.resolve("cls");
        Launched.run("finetune-cls", "data=" + studies, "output=" + run, "init=" + weights, "encoder=swin-tiny",
                "modalities=t1", "labels=" + csv, "epochs=1", "crop=32", "batch=2", "validate_every=1",
                "validation_fraction=0.5", "workers=1", "device=cpu").expect(0);
        JsonObject h = Checkpoints.read(run.resolve("checkpoints").resolve("best.safetensors")).header();
        assertEquals("swin", h.get("encoder").getAsString());
        assertEquals("xyz", h.get("encoder_axes").getAsString(), "bare MONAI-layout weights run as loaded");
        Path classes = dir.resolve("classes-out.csv");
        Launched.run("classify", "model=" + run.resolve("checkpoints").resolve("best.safetensors"),
                "input=" + studies, "output=" + classes, "device=cpu").expect(0);
        assertEquals(5, Files.readAllLines(classes).size());
    }
}
