package io.github.medvp.fiji;

import ij.CompositeImage;
import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.ResultsTable;
import ij.process.LUT;
import io.github.medvp.MedvpException;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.train.RunFolder;
import org.scijava.command.CommandInfo;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Results as people look at them in Fiji: a segmentation as coloured labels over its image, learned templates as
 * one stack per modality, training curves as an image, metrics as a results table.
 * <p>
 * The builders return images and tables without showing them, so they work (and are tested) headless; only
 * {@link #showOutputs} shows anything and callers invoke it only with a display. Pipelines never call this class:
 * headless runs keep their CSV and PNG files.
 */
public final class ResultViews {

    /** Distinct colours for labels 1, 2, 3, ... (label 0, background, is transparent black). */
    private static final int[] LABEL_COLOURS = {0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0xff00ff, 0x00ffff, 0xff8000,
        0x8000ff, 0x00ff80, 0xff0080, 0x80ff00, 0x0080ff};

    private static final String TEMPLATE = "template_.+\\.nii(\\.gz)?";

    private ResultViews() {
    }

    /**
     * A two-channel composite: the image (its first channel) in grey, the labels on top in label colours (label k
     * in colour k).
     *
     * @throws MedvpException when the two differ in size
     */
    public static CompositeImage overlay(ImagePlus image, ImagePlus labels) {
        int w = image.getWidth();
        int h = image.getHeight();
        int z = image.getNSlices();
        if (labels.getWidth() != w || labels.getHeight() != h || labels.getStackSize() != z) {
            throw new MedvpException("labels '" + labels.getTitle() + "' (" + labels.getWidth() + "x"
                    + labels.getHeight() + "x" + labels.getStackSize() + ") do not match image '" + image.getTitle()
                    + "' (" + w + "x" + h + "x" + z + ")");
        }
        ImageStack stack = new ImageStack(w, h);
        for (int i = 1; i <= z; i++) {
            // A multi-channel image (modalities) shows its first channel under the labels.
            stack.addSlice("image", image.getStack().getProcessor(image.getStackIndex(1, i, 1))
                    .convertToFloatProcessor());
            stack.addSlice("labels", labels.getStack().getProcessor(i).convertToFloatProcessor());
        }
        ImagePlus both = new ImagePlus(image.getTitle() + " + " + labels.getTitle(), stack);
        both.setDimensions(2, z, 1);
        both.setCalibration(image.getCalibration());
        CompositeImage c = new CompositeImage(both, IJ.COMPOSITE);
        c.setChannelLut(LUT.createLutFromColor(java.awt.Color.white), 1);
        c.setC(1);
        image.resetDisplayRange();
        c.setDisplayRange(image.getDisplayRangeMin(), image.getDisplayRangeMax());
        c.setChannelLut(labelLut(), 2);
        c.setC(2);
        c.setDisplayRange(0, 255); // label k -> LUT entry k
        c.setC(1);
        return c;
    }

    /** A lookup table mapping 0 to black and label k to a distinct colour (cycling after 12 labels). */
    public static LUT labelLut() {
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        for (int k = 1; k < 256; k++) {
            int rgb = LABEL_COLOURS[(k - 1) % LABEL_COLOURS.length];
            r[k] = (byte) (rgb >> 16);
            g[k] = (byte) (rgb >> 8);
            b[k] = (byte) rgb;
        }
        return new LUT(r, g, b);
    }

    /**
     * One stack per modality from a folder of exported templates ({@code template_<modality>.nii.gz}), titled by the
     * modality, in file name order.
     */
    public static List<ImagePlus> templates(Path folder) throws IOException {
        List<ImagePlus> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().matches(TEMPLATE))
                    .sorted()::iterator) {
                String modality = f.getFileName().toString().replaceFirst("^template_", "")
                        .replaceFirst("\\.nii(\\.gz)?$", "");
                out.add(ImagePlusVolumes.toImagePlus(NiftiReader.read(f), "template " + modality));
            }
        }
        if (out.isEmpty()) {
            throw new MedvpException("no template_<modality>.nii.gz in " + folder);
        }
        return out;
    }

    /** A training curves plot (curves.png of a run folder) as an image. */
    public static ImagePlus curves(Path png) {
        ImagePlus imp = IJ.openImage(png.toString());
        if (imp == null) {
            throw new MedvpException("cannot open the curves image " + png);
        }
        return imp;
    }

    /** A metrics CSV (a run's metrics.csv, an evaluation's table) as a results table titled by the file. */
    public static ResultsTable table(Path csv) throws IOException {
        ResultsTable t = ResultsTable.open(csv.toString());
        if (t == null) {
            throw new MedvpException("cannot read the table " + csv);
        }
        return t;
    }

    /**
     * Finds what a finished command produced and shows it: run folders (curves.png, metrics.csv, templates/),
     * CSV tables, PNG images, NIfTI volumes named by string outputs (one path per line), and ImagePlus outputs.
     * Call only with a display.
     */
    static void showOutputs(CommandInfo info, Module module) {
        ImagePlus input = null;
        for (ModuleItem<?> item : info.inputs()) {
            if (item.getValue(module) instanceof ImagePlus imp) {
                input = imp;
            }
        }
        for (ModuleItem<?> item : info.outputs()) {
            Object value = item.getValue(module);
            if (value instanceof ImagePlus imp) {
                // A label image of the image it came from (a segmentation of the open image): show it on top.
                boolean labelsOfInput = input != null && imp.getWidth() == input.getWidth()
                        && imp.getHeight() == input.getHeight() && imp.getStackSize() == input.getNSlices();
                (labelsOfInput ? overlay(input, imp) : imp).show();
            } else if (value instanceof String text) {
                for (Path p : paths(text)) {
                    try {
                        show(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                }
            }
        }
    }

    /** The lines of an output that are paths of existing files or folders. */
    static List<Path> paths(String text) {
        List<Path> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String s = line.trim();
            if (s.isEmpty() || s.length() > 4096) {
                continue;
            }
            try {
                Path p = Path.of(s);
                if (p.isAbsolute() && Files.exists(p)) {
                    out.add(p);
                }
            } catch (java.nio.file.InvalidPathException e) {
                // not a path: an ordinary line of a report
            }
        }
        return out;
    }

    private static void show(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            if (Files.isRegularFile(RunFolder.curvesPng(p))) {
                curves(RunFolder.curvesPng(p)).show();
            }
            if (Files.isRegularFile(RunFolder.metricsCsv(p))) {
                table(RunFolder.metricsCsv(p)).show(p.getFileName() + " metrics");
            }
            if (Files.isDirectory(p.resolve("templates"))) {
                templates(p.resolve("templates")).forEach(ImagePlus::show);
            }
            return;
        }
        String name = p.getFileName().toString();
        if (name.endsWith(".csv")) {
            table(p).show(name);
        } else if (name.endsWith(".png")) {
            curves(p).show();
        } else if (name.endsWith(".nii") || name.endsWith(".nii.gz")) {
            ImagePlusVolumes.toImagePlus(NiftiReader.read(p), name).show();
        }
    }
}
