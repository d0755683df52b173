package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.Launched;
import io.github.medvp.fiji.Launcher;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.CommandService;

import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import io.github.medvp.tasks.metrics.Evaluation;
import net.imglib2.img.array.ArrayImgs;

/** The evaluate command in both launcher forms and through the CommandService; its one-line errors. */
class EvaluateCommandTest {

    @TempDir
    Path dir;

    /** One case: truth lesion of 2 voxels, prediction 1 of them: Dice 2/3, distances {0, 1} so HD95 0.95. */
    private Path[] segmentation() throws Exception {
        Path truth = Files.createDirectories(dir.resolve("truth"));
        Path pred = Files.createDirectories(dir.resolve("pred"));
        byte[] t = new byte[27];
        t[13] = 1;
        t[14] = 1;
        byte[] p = new byte[27];
        p[13] = 1;
        NiftiWriter.write(new Volume(ArrayImgs.unsignedBytes(t, 3, 3, 3), Geometry.ofSpacing(1, 1, 1)),
                truth.resolve("case1_seg.nii.gz"));
        NiftiWriter.write(new Volume(ArrayImgs.unsignedBytes(p, 3, 3, 3), Geometry.ofSpacing(1, 1, 1)),
                pred.resolve("case1.nii.gz"));
        return new Path[] { pred, truth };
    }

    @Test
    void launcherEvaluatesSegmentationAndClassification() throws Exception {
        Path[] d = segmentation();
        Path o = dir.resolve("out");
        String out = Launched.run("evaluate", "predictions=" + d[0], "truth=" + d[1], "labels=classes:lesion=1",
                "output=" + o).expect(0).out();
        assertTrue(Files.readAllLines(o.resolve(Evaluation.CASES_CSV)).contains("case1,lesion,0.666667,0.950000"),
                out);
        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "case,true,predicted,p0,p1\na,0,0,0.8,0.2\nb,1,1,0.3,0.7\n");
        out = Launched.run("--run", "MedVP Evaluate", "task='classification',predictions='" + csv
                + "',output='" + o + "'").expect(0).out();
        assertTrue(out.startsWith("2 cases, accuracy 1.0000"), out);
        assertTrue(Files.isRegularFile(o.resolve(Evaluation.CONFUSION_CSV)));
    }

    @Test
    void commandServiceReturnsTheTable() throws Exception {
        Path[] d = segmentation();
        try (Context context = new Context(CommandService.class)) {
            String report = (String) context.service(CommandService.class).run(EvaluateCommand.class, true,
                    "task", "segmentation", "predictions", d[0].toFile(), "truth", d[1].toFile(), "labels",
                    "classes:label1=1", "output", dir.resolve("o").toFile()).get().getOutput("report");
            assertTrue(report.startsWith("region") && report.contains("label1") && report.contains("0.6667"),
                    report);
        }
    }

    @Test
    void segmentationWithoutTruthFailsWithOneLine() throws Exception {
        Path[] d = segmentation();
        String text = Launched.run("evaluate", "predictions=" + d[0], "output=" + dir).expect(Launcher.FAILED).err();
        assertTrue(text.endsWith("medvp: evaluate: truth: give the ground truth (manifest .json or folder with _seg "
                + "files) for a segmentation evaluation\n"), text);
    }
}
