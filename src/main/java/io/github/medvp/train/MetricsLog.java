package io.github.medvp.train;

import io.github.medvp.MedvpException;
import io.github.medvp.data.manifest.Csv;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code metrics.csv} of a run: one row per logged step, a fixed set of columns.
 * <p>
 * A resumed run must not duplicate rows: {@link #open} drops rows past the step the run resumes from (they were
 * written after the checkpoint it resumes from, and will be written again). Each row is flushed at once so a
 * killed run keeps everything up to its last log line.
 */
public final class MetricsLog implements AutoCloseable {

    private final Path file;
    private final List<String> columns;
    private final BufferedWriter writer;

    private MetricsLog(Path file, List<String> columns, BufferedWriter writer) {
        this.file = file;
        this.columns = columns;
        this.writer = writer;
    }

    /**
     * Opens (or creates) the log with the given columns; the first column is the step counter.
     *
     * @param resumeStep rows whose first column exceeds this are dropped; use -1 for a new run
     * @throws MedvpException when an existing file has other columns (a different run or method)
     */
    public static MetricsLog open(Path file, List<String> columns, long resumeStep) throws IOException {
        List<String> keep = new ArrayList<>();
        String header = String.join(",", columns);
        if (Files.exists(file) && resumeStep >= 0) {
            List<Csv.Row> rows = Csv.read(file);
            if (!rows.isEmpty()) {
                // Compared as written: the header is not quoted, so a column name holding a comma reads as two.
                List<String> found = rows.get(0).cells();
                if (!String.join(",", found).equals(header)) {
                    throw new MedvpException(file + " has columns " + String.join(",", found) + ", expected "
                            + header + ": is this the run folder of another method?");
                }
                for (Csv.Row row : rows.subList(1, rows.size())) {
                    // A row cut short by a kill has too few fields or a broken number: dropped.
                    try {
                        if (row.cells().size() == found.size() && Long.parseLong(row.cell(0).trim()) <= resumeStep) {
                            keep.add(String.join(",", row.cells()));
                        }
                    } catch (NumberFormatException torn) {
                        // dropped, as above
                    }
                }
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        w.write(header);
        w.newLine();
        for (String line : keep) {
            w.write(line);
            w.newLine();
        }
        w.flush();
        return new MetricsLog(file, List.copyOf(columns), w);
    }

    /** The columns, in file order. */
    public List<String> columns() {
        return columns;
    }

    /** Appends one row; {@code values} are in column order, NaN written as {@code nan}. */
    public synchronized void append(double... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(values.length + " values for " + columns.size() + " columns");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(format(values[i]));
        }
        try {
            writer.write(sb.toString());
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * How MedVP's CSV files write a number: {@code nan}, a whole number without decimals, else six significant
     * digits ({@code Locale.ROOT}); pandas and {@link #read} parse all three.
     */
    public static String format(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /**
     * Reads a metrics file into columns (header name to values in row order), for plots and reports. A row cut short
     * by a kill (too few fields, a broken number) is left out.
     */
    public static Map<String, double[]> read(Path file) throws IOException {
        List<Csv.Row> lines = Csv.read(file);
        Map<String, double[]> out = new LinkedHashMap<>();
        if (lines.isEmpty()) {
            return out;
        }
        List<String> names = lines.get(0).cells();
        List<double[]> rows = new ArrayList<>();
        for (Csv.Row line : lines.subList(1, lines.size())) {
            if (line.cells().size() != names.size()) {
                continue;
            }
            double[] row = new double[names.size()];
            try {
                for (int i = 0; i < row.length; i++) {
                    String cell = line.cell(i).trim();
                    row[i] = cell.equals("nan") || cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
                }
            } catch (NumberFormatException torn) {
                continue;
            }
            rows.add(row);
        }
        for (int c = 0; c < names.size(); c++) {
            double[] col = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                col[r] = rows.get(r)[c];
            }
            out.put(names.get(c), col);
        }
        return out;
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }

    @Override
    public String toString() {
        return "MetricsLog" + Arrays.asList(file, columns);
    }
}
