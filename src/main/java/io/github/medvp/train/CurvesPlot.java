package io.github.medvp.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import io.github.medvp.io.AtomicFiles;
import io.github.medvp.io.Captions;

/**
 * Draws training curves (one panel per metric against the step column) into a PNG, headless.
 * <p>
 * Plain Java2D on purpose: no charting library ships with Fiji that we could rely on, and the same image is shown
 * in Fiji and written to the run folder.
 */
public final class CurvesPlot {

    private static final Color[] COLOURS = {new Color(31, 119, 180), new Color(255, 127, 14),
        new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)};
    private static final int PANEL_W = 420;
    private static final int PANEL_H = 260;
    private static final int MARGIN = 48;

    private CurvesPlot() {
    }

    /**
     * Renders {@code series} (name to values) against {@code x}; each name gets a panel, at most three per row.
     */
    public static BufferedImage render(String title, double[] x, Map<String, double[]> series) {
        int n = Math.max(1, series.size());
        int cols = Math.min(3, n);
        int rows = (n + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * PANEL_W, rows * PANEL_H + 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            Captions.draw(g, title, 10, 20);
            int i = 0;
            for (Map.Entry<String, double[]> e : series.entrySet()) {
                int px = (i % cols) * PANEL_W;
                int py = 30 + (i / cols) * PANEL_H;
                panel(g, px, py, e.getKey(), x, e.getValue(), COLOURS[i % COLOURS.length]);
                i++;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Reads a {@link MetricsLog} file and writes the curves of {@code columns} (all but x when empty) as PNG. */
    public static void write(Path metricsCsv, String xColumn, List<String> columns, String title, Path png)
            throws IOException {
        Map<String, double[]> all = MetricsLog.read(metricsCsv);
        double[] x = all.getOrDefault(xColumn, new double[0]);
        Map<String, double[]> chosen = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : all.entrySet()) {
            if (!e.getKey().equals(xColumn) && (columns.isEmpty() || columns.contains(e.getKey()))) {
                chosen.put(e.getKey(), e.getValue());
            }
        }
        AtomicFiles.writeImage(png, render(title, x, chosen), "png");
    }

    private static void panel(Graphics2D g, int px, int py, String name, double[] x, double[] y, Color colour) {
        int left = px + MARGIN;
        int top = py + 22;
        int w = PANEL_W - MARGIN - 16;
        int h = PANEL_H - 22 - 34;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        Captions.draw(g, name, left, py + 16);
        g.setColor(new Color(235, 235, 235));
        g.fillRect(left, top, w, h);
        double[] xr = range(x, x.length);
        double[] yr = range(y, Math.min(x.length, y.length));
        if (Double.isNaN(xr[0]) || Double.isNaN(yr[0])) {
            g.setColor(Color.GRAY);
            Captions.draw(g, "no data yet", left + 10, top + h / 2);
            return;
        }
        if (yr[1] - yr[0] < 1e-12) {
            yr = new double[] {yr[0] - 0.5, yr[1] + 0.5};
        }
        if (xr[1] - xr[0] < 1e-12) {
            xr = new double[] {xr[0] - 0.5, xr[1] + 0.5};
        }
        g.setColor(Color.DARK_GRAY);
        for (int t = 0; t <= 4; t++) {
            double v = yr[0] + (yr[1] - yr[0]) * t / 4;
            int yy = top + h - (int) Math.round(h * t / 4.0);
            String label = label(v);
            Captions.draw(g, label, left - Captions.width(g, label) - 4, yy + 4);
            double xv = xr[0] + (xr[1] - xr[0]) * t / 4;
            int xx = left + (int) Math.round(w * t / 4.0);
            String xl = label(xv);
            Captions.draw(g, xl, xx - Captions.width(g, xl) / 2, top + h + 16);
        }
        Path2D.Double path = new Path2D.Double();
        boolean pen = false;
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                pen = false;
                continue;
            }
            double sx = left + (x[i] - xr[0]) / (xr[1] - xr[0]) * w;
            double sy = top + h - (y[i] - yr[0]) / (yr[1] - yr[0]) * h;
            if (pen) {
                path.lineTo(sx, sy);
            } else {
                path.moveTo(sx, sy);
                pen = true;
            }
        }
        g.setColor(colour);
        g.setStroke(new BasicStroke(1.6f));
        g.draw(path);
    }

    private static double[] range(double[] v, int n) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (Double.isFinite(v[i])) {
                lo = Math.min(lo, v[i]);
                hi = Math.max(hi, v[i]);
            }
        }
        return lo > hi ? new double[] {Double.NaN, Double.NaN} : new double[] {lo, hi};
    }

    private static String label(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-2 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return a >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
