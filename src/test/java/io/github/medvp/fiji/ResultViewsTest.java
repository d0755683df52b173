package io.github.medvp.fiji;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.FloatProcessor;
import ij.process.LUT;
import io.github.medvp.MedvpException;
import io.github.medvp.io.Geometry;
import io.github.medvp.io.NiftiWriter;
import io.github.medvp.io.Volume;
import io.github.medvp.train.CurvesPlot;
import net.imglib2.img.array.ArrayImgs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The result views, built headless (showing them needs a display; building them must not). */
class ResultViewsTest {

    @TempDir
    Path dir;

    private static ImagePlus stack(String title, int w, int h, int z, float base) {
        ImageStack s = new ImageStack(w, h);
        for (int i = 0; i < z; i++) {
            float[] px = new float[w * h];
            for (int k = 0; k < px.length; k++) {
                px[k] = base + i * 100 + k;
            }
            s.addSlice(new FloatProcessor(w, h, px));
        }
        return new ImagePlus(title, s);
    }

    @Test
    void overlayIsAGreyImageChannelAndAColouredLabelChannel() {
        ImagePlus image = stack("t1", 4, 3, 2, 10);
        ImagePlus labels = stack("seg", 4, 3, 2, 0);
        labels.getStack().getProcessor(2).setf(1, 1, 3);
        labels.getCalibration().pixelDepth = 9; // the image's calibration wins
        image.getCalibration().pixelDepth = 2.5;
        CompositeImage c = ResultViews.overlay(image, labels);
        assertEquals(2, c.getNChannels());
        assertEquals(2, c.getNSlices());
        assertEquals(2.5, c.getCalibration().pixelDepth);
        assertEquals(3f, c.getStack().getProcessor(c.getStackIndex(2, 2, 1)).getf(1, 1));
        assertEquals(image.getStack().getProcessor(2).getf(3, 2),
                c.getStack().getProcessor(c.getStackIndex(1, 2, 1)).getf(3, 2));
        LUT lut = c.getChannelLut(2);
        assertEquals(0, lut.getRGB(0) & 0xffffff, "background is black");
        assertEquals(0x0000ff, lut.getRGB(3) & 0xffffff, "label 3 is blue");
        assertEquals(lut.getRGB(1), lut.getRGB(13), "colours cycle after 12 labels");
        c.setC(2);
        assertEquals(255, c.getDisplayRangeMax(), "label k maps to LUT entry k");
        // Modalities as channels: the first channel goes under the labels.
        ImagePlus twoChannels = stack("flair+t1", 4, 3, 4, 10);
        twoChannels.setDimensions(2, 2, 1);
        CompositeImage c2 = ResultViews.overlay(twoChannels, labels);
        assertEquals(twoChannels.getStack().getProcessor(twoChannels.getStackIndex(1, 2, 1)).getf(3, 2),
                c2.getStack().getProcessor(c2.getStackIndex(1, 2, 1)).getf(3, 2));
        MedvpException e = assertThrows(MedvpException.class,
                () -> ResultViews.overlay(image, stack("small", 2, 3, 2, 0)));
        assertTrue(e.getMessage().startsWith("labels 'small' (2x3x2) do not match image 't1' (4x3x2)"), e.getMessage());
    }

    @Test
    void templatesAreOneStackPerModality() throws Exception {
        Path t = Files.createDirectories(dir.resolve("templates"));
        for (String m : List.of("t1", "flair")) {
            float[] v = new float[3 * 4 * 5];
            v[7] = m.equals("t1") ? 1 : 0.5f;
            NiftiWriter.write(new Volume(ArrayImgs.floats(v, 3, 4, 5), Geometry.ofSpacing(1, 1, 2)),
                    t.resolve("template_" + m + ".nii.gz"));
        }
        NiftiWriter.write(new Volume(ArrayImgs.floats(new float[3 * 4 * 5 * 2], 3, 4, 5, 2),
                Geometry.ofSpacing(1, 1, 2)), t.resolve("templates.nii.gz"));
        List<ImagePlus> stacks = ResultViews.templates(t);
        assertEquals(List.of("template flair", "template t1"), stacks.stream().map(ImagePlus::getTitle).toList());
        ImagePlus t1 = stacks.get(1);
        assertEquals(5, t1.getStackSize());
        assertEquals(2.0, t1.getCalibration().pixelDepth);
        assertEquals(1f, t1.getStack().getProcessor(1).getf(1, 2));
        assertThrows(MedvpException.class, () -> ResultViews.templates(Files.createDirectories(dir.resolve("e"))));
    }

    @Test
    void curvesAndMetricsOpenAsImageAndTable() throws Exception {
        Path csv = dir.resolve("metrics.csv");
        Files.writeString(csv, "step,loss,lr\n1,2.5,0.001\n2,1.5,0.002\n");
        Path png = dir.resolve("curves.png");
        CurvesPlot.write(csv, "step", List.of("loss"), "run", png);
        ImagePlus curves = ResultViews.curves(png);
        assertTrue(curves.getWidth() > 100 && curves.getHeight() > 100);
        ResultsTable table = ResultViews.table(csv);
        assertEquals(2, table.size());
        assertEquals(1.5, table.getValue("loss", 1));
        assertEquals(0.002, table.getValue("lr", 1));
        assertEquals(List.of(dir, csv), ResultViews.paths("summary line\n" + dir + "\nmetrics: x\n" + csv
                + "\nrelative/path\n" + dir.resolve("missing")));
    }
}
