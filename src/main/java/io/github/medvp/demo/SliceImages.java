package io.github.medvp.demo;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;


import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.Percentiles;
import io.github.medvp.io.Captions;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Orientation;
import io.github.medvp.io.Volume;
import io.github.medvp.pretrain.brainmvp.TemplateNifti;

/**
 * PNG strips of axial slices for the demo report: one panel per volume (RAS voxel order, X fastest), grey values
 * scaled between the 1st and 99.5th percentile of the volume or in a fixed window, an optional label map drawn over
 * each panel (necrosis/non-enhancing red, oedema green, enhancing yellow) and a caption above it.
 */
public final class SliceImages {

    private static final int CAPTION = 16;

    private SliceImages() {
    }

    /**
     * One panel.
     *
     * @param caption the text above the panel
     * @param values the volume, X fastest, RAS
     * @param shape X, Y, Z
     * @param label a label map of the same shape, or {@code null}
     * @param window the values shown black and white, or {@code null} for the volume's 1st and 99.5th percentiles
     */
    public record Panel(String caption, float[] values, int[] shape, float[] label, double[] window) {

        /** A panel whose grey values span the volume's 1st to 99.5th percentile. */
        Panel(String caption, float[] values, int[] shape, float[] label) {
            this(caption, values, shape, label, null);
        }
    }

    /** The fixed window of templates: pre-training min-max normalises each one to [0, 1] over its whole grid. */
    static final double[] TEMPLATE_WINDOW = {0, 1};

    /**
     * The middle axial slice of each exported template ({@code template_<modality>.nii.gz}), over the template's
     * whole grid and in the fixed window [0, 1], so that templates of two runs, and a template's structure against
     * its noise, compare at a glance.
     *
     * @param exported a folder written by {@code brainmvp-export-templates} (or a run's {@code templates/})
     * @param png the image to write
     * @return whether any template was found (nothing is written otherwise)
     */
    public static boolean templates(Path exported, Path png) throws IOException {
        List<Panel> panels = new ArrayList<>();
        for (Modality m : Modality.values()) {
            Path f = exported.resolve(TemplateNifti.fileName(m));
            if (Files.exists(f)) {
                Volume v = Orientation.toRasCopy(NiftiReader.read(f));
                long[] d = v.dimensions();
                int[] dims = {Math.toIntExact(d[0]), Math.toIntExact(d[1]), Math.toIntExact(d[2])};
                float[] values = v.toFloatImg().update(null).getCurrentStorageArray();
                panels.add(new Panel(m.token() + " template", values, dims, null, TEMPLATE_WINDOW));
            }
        }
        if (panels.isEmpty()) {
            return false;
        }
        write(panels, -1, panels.get(0).shape()[0] >= 160 ? 1 : 3, png);
        return true;
    }

    /**
     * Writes the axial slice {@code z} of every panel side by side, each {@code zoom} times enlarged, anterior up.
     *
     * @param z the slice, or −1 for each panel's middle slice
     */
    public static void write(List<Panel> panels, int z, int zoom, Path png) throws IOException {
        int w = 0, h = 0;
        for (Panel p : panels) {
            w += p.shape()[0] * zoom;
            h = Math.max(h, p.shape()[1] * zoom);
        }
        BufferedImage img = new BufferedImage(Math.max(1, w), h + CAPTION, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int x0 = 0;
            for (Panel p : panels) {
                int nx = p.shape()[0], ny = p.shape()[1], nz = p.shape()[2];
                int slice = z < 0 ? nz / 2 : Math.min(z, nz - 1);
                double[] range = p.window() != null ? p.window() : Percentiles.of(p.values(), 1, 99.5);
                double span = range[1] > range[0] ? range[1] - range[0] : 1;
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        int i = x + nx * (y + ny * slice);
                        int grey = (int) Math.max(0, Math.min(255, 255 * (p.values()[i] - range[0]) / span));
                        int rgb = overlay(grey, p.label() == null ? 0 : Math.round(p.label()[i]));
                        // Anterior (high y) up; x as stored (RAS: patient's left on the left, neurological view).
                        g.setColor(new Color(rgb));
                        g.fillRect(x0 + x * zoom, CAPTION + (ny - 1 - y) * zoom, zoom, zoom);
                    }
                }
                g.setColor(Color.WHITE);
                Captions.draw(g, p.caption(), x0 + 3, 12);
                x0 += nx * zoom;
            }
        } finally {
            g.dispose();
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        io.github.medvp.io.AtomicFiles.writeImage(png, img, "png");
    }

    private static int overlay(int grey, int label) {
        int half = grey / 2;
        int r = grey, gr = grey, b = grey;
        switch (label) {
            case 1 -> { // red
                r = Math.min(255, half + 128);
                gr = half;
                b = half;
            }
            case 2 -> { // green
                r = half;
                gr = Math.min(255, half + 110);
                b = half;
            }
            case 3, 4 -> { // yellow
                r = Math.min(255, half + 128);
                gr = Math.min(255, half + 128);
                b = half;
            }
            default -> {
            }
        }
        return (r << 16) | (gr << 8) | b;
    }
}
