package io.github.medvp.fiji.commands;

import io.github.medvp.train.Settings;
import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.data.DataBenchmark;
import io.github.medvp.engine.DeviceList;
import io.github.medvp.engine.Engines;
import ai.djl.Device;
import io.github.medvp.io.IoBenchmark;
import io.github.medvp.pretrain.brainmvp.BrainMvpBenchmark;
import io.github.medvp.pretrain.mg3d.Mg3dBenchmark;
import io.github.medvp.tasks.segmentation.SegmentationBenchmark;
import io.github.medvp.nn.EncoderPreset;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a benchmark suite and prints its figures: how speed targets are checked (never by timed unit tests).
 */
@Plugin(type = Command.class, name = "bench", label = "MedVP Benchmark", menuPath = "Plugins>MedVP>Benchmark",
        description = "measure throughput: io (NIfTI read, RAS, 1 mm resampling), data (pre-training sample pipeline), "
                + "pretrain (BrainMVP pre-training step: step time, volumes/s, peak memory), segment (whole-study "
                + "segmentation inference, 240x240x155x4, and the fine-tuning step: time and peak memory), mg3d "
                + "(MG-3D pre-training step, all three passes)")
public class BenchCommand implements Command {

    @Parameter(label = "Suite", choices = {"io", "data", "pretrain", "segment", "mg3d"},
            description = "what to measure")
    private String suite = "io";

    @Parameter(label = "Repeats", min = "1", required = false, description = "timed runs per figure (best is kept)")
    private int repeats = 5;

    @Parameter(label = "Preset", choices = {"tiny", "small", "b", "l"}, required = false,
            description = "pretrain: tiny (32³, 48³ templates) or small (96³, 240×240×155); mg3d: tiny (64×32×64), "
                    + "b or l (Swin-B/L, BERT-base, 128×96×128); segment: the UniFormer's size unless encoder= is "
                    + "given")
    private String preset = "tiny";

    @Parameter(label = "Encoder", required = false,
            description = "segment: the encoder, uniformer-small, uniformer-tiny, swin-tiny, swin-b or swin-l (its "
                    + "decoder follows: UNETR or SwinUNETR); empty: preset= as UniFormer's size")
    private String encoder = "";

    @Parameter(label = "Batch size", min = "1", required = false,
            description = "pretrain: studies per step (the encoder sees twice as many volumes); segment: crops per "
                    + "fine-tuning step; mg3d: pairs per step")
    private int batch = 3;

    @Parameter(label = "Size", required = false, description = "mg3d: volume grid X,Y,Z (multiples of 32, as "
            + "mg3d-pretrain's size); empty: the preset's")
    private String size = "";

    @Parameter(label = "Windows per forward", min = "1", required = false,
            description = "segment: sliding windows (96³) predicted per forward pass")
    private int windows = 2;

    @Parameter(label = "Foreground crop", required = false, description = "segment: crop the study's foreground "
            + "first (the reference's test transform) instead of sliding over the whole 240x240x155 grid")
    private boolean crop = false;

    // Optional: progress of the long suites in Fiji's status bar or the launcher's progress lines.
    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Device", required = false, description = "pretrain, segment, mg3d: auto, cpu, gpu or gpu:N; "
            + "pretrain and segment also take a list (gpu:0,1, gpu:all, cpu,cpu): one replica per device, batch per "
            + "device, the throughput per device and in total")
    private String device = "auto";

    @Parameter(label = "Operator profile", required = false, description = "pretrain, mg3d: write libtorch's "
            + "operator profile of the last timed step to this JSON file (host time per op: on a GPU the long ones "
            + "are where the step waits for the device)")
    private File profile;

    @Parameter(label = "Scratch folder", style = "directory", required = false,
            description = "where test files are written (default: a temporary folder, removed afterwards)")
    private File scratch;

    @Parameter(type = ItemIO.OUTPUT, label = "Benchmark report")
    private String report;

    @Override
    public void run() {
        Settings.range("repeats", repeats, 1, 10_000);
        Settings.range("batch", batch, 1, 4096);
        Settings.range("windows", windows, 1, 1024);
        try {
            boolean temporary = scratch == null;
            Path dir = temporary ? Files.createTempDirectory("medvp-bench") : scratch.toPath();
            try {
                Files.createDirectories(dir);
                if ("segment".equals(suite)) {
                    // encoder= decides alone: preset= has a default for the other suites.
                    EncoderPreset e = encoder == null || encoder.isBlank() ? EncoderPreset.parse("", preset)
                            : EncoderPreset.parse(encoder, "");
                    report = SegmentationBenchmark.run(e, windows, batch, repeats, replicas(), crop,
                            dir, new CommandProgress(status, log, null));
                } else if ("mg3d".equals(suite)) {
                    int[] grid = size == null || size.isBlank() ? null : Settings.ints("size", size, 3);
                    report = Mg3dBenchmark.run(preset, batch, grid, 1, repeats, Engines.device(device),
                            profilePath());
                } else if ("pretrain".equals(suite)) {
                    report = BrainMvpBenchmark.run(preset, batch, 1, repeats, replicas(), profilePath());
                } else {
                    report = "data".equals(suite) ? DataBenchmark.run(dir, repeats) : IoBenchmark.run(dir, repeats);
                }
            } finally {
                if (temporary) {
                    deleteTree(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.github.medvp.Progress.CancelledException();
        } catch (Exception e) {
            throw e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
        }
    }

    /** The devices of {@code device=}, one replica each ({@code gpu:0,1}: two). */
    private List<Device> replicas() {
        return DeviceList.parse(device).replicas();
    }

    private Path profilePath() {
        return profile == null ? null : profile.toPath();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
