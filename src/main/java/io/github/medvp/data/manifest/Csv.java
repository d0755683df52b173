package io.github.medvp.data.manifest;

import io.github.medvp.MedvpException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Every CSV MedVP reads goes through here: Apache Commons CSV with RFC 4180 rules (quoted fields with {@code ""}
 * escapes and line breaks, CRLF or LF), a leading BOM dropped, blank lines skipped. A quote that is never closed, or
 * text after a closing quote, is refused with one line naming the file and the line, instead of shifting columns.
 */
public final class Csv {

    /** Commons CSV's messages: "(startline 3) EOF reached ..." and "... at line: 3, position: 7". */
    private static final Pattern LINE = Pattern.compile("line:? ([0-9][0-9,.\u00a0\u202f' ]*)");

    private Csv() {
    }

    /**
     * One record.
     *
     * @param line the 1-based line it starts on
     * @param cells its fields
     */
    public record Row(long line, List<String> cells) {

        /** @param i a column @return the field, or "" when the row is shorter */
        public String cell(int i) {
            return i >= 0 && i < cells.size() ? cells.get(i) : "";
        }
    }

    /**
     * A header row and the records under it, each with as many fields as the header.
     *
     * @param header the first row's fields
     * @param rows the other rows
     */
    public record Table(List<String> header, List<Row> rows) {
    }

    /**
     * @param file a CSV file (UTF-8)
     * @param delimiter the field separator
     * @return its non-blank rows
     * @throws MedvpException naming the file and line of an unbalanced quote
     */
    public static List<Row> read(Path file, char delimiter) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString(), delimiter);
        }
    }

    /** {@link #read(Path, char)} with commas. */
    public static List<Row> read(Path file) throws IOException {
        return read(file, ',');
    }

    /**
     * A file with a header: every row must have the header's number of fields, since a different count means a
     * stray quote or delimiter has moved the values into other columns.
     *
     * @throws MedvpException naming the file when it is empty, or the file and line of a row that does not fit
     */
    public static Table table(Path file) throws IOException {
        return table(read(file), file.toString());
    }

    /** {@link #table(Path)} of text, for generated lists and tests; {@code source} names it in messages. */
    public static Table table(String text, String source) {
        return table(parse(new StringReader(text), source, ','), source);
    }

    private static Table table(List<Row> rows, String source) {
        if (rows.isEmpty()) {
            throw new MedvpException(source + ": empty CSV, expected a header row");
        }
        List<String> header = rows.get(0).cells();
        for (Row r : rows.subList(1, rows.size())) {
            if (r.cells().size() != header.size()) {
                throw new MedvpException(source + " line " + r.line() + ": " + r.cells().size() + " fields, the "
                        + "header has " + header.size() + " (a stray quote or comma?)");
            }
        }
        return new Table(header, rows.subList(1, rows.size()));
    }

    /**
     * @param text CSV text
     * @param source a name for messages
     * @param delimiter the field separator
     * @return its non-blank rows
     * @throws MedvpException naming {@code source} and the line of an unbalanced quote
     */
    public static List<Row> parse(Reader text, String source, char delimiter) {
        // Blank lines come through as records of one empty field and are dropped here, so that each record's first
        // line is the line after the previous record's last one.
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).setIgnoreEmptyLines(false).get();
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(withoutBom(text), format)) {
            Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                long start = parser.getCurrentLineNumber() + 1;
                CSVRecord rec;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    rec = it.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw refused(source, start, e);
                }
                List<String> cells = rec.toList();
                if (!(cells.size() == 1 && cells.get(0).isBlank())) {
                    rows.add(new Row(start, List.copyOf(cells)));
                }
            }
        } catch (IOException e) {
            throw new MedvpException(source + ": cannot read (" + e.getMessage() + ")", e);
        }
        return rows;
    }

    /**
     * One line for a record Commons CSV could not read. A quote never closed is reported on the line that opened it;
     * text after a closing quote on the line the record starts on, with the line of the text when a quoted field
     * swallowed line breaks, the usual sign of an earlier stray quote.
     */
    private static MedvpException refused(String source, long start, RuntimeException e) {
        String m = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        long at = lineIn(m, start);
        String hint = "; quote a field holding commas, quotes or line breaks whole, doubling its quotes";
        if (m.contains("EOF")) {
            return new MedvpException(source + " line " + at + ": unbalanced quote (a quote opened here is never "
                    + "closed)" + hint);
        }
        return new MedvpException(source + " line " + start + ": unbalanced quote (text after a closing quote"
                + (at > start ? " on line " + at + ", the quoted field spanning the lines between" : "") + ")" + hint);
    }

    /** The line number in a Commons CSV message, whose digits may carry the default locale's grouping. */
    private static long lineIn(String message, long fallback) {
        Matcher at = LINE.matcher(message);
        if (at.find()) {
            String digits = at.group(1).replaceAll("[^0-9]", "");
            if (!digits.isEmpty() && digits.length() < 12) {
                return Long.parseLong(digits);
            }
        }
        return fallback;
    }

    private static Reader withoutBom(Reader r) throws IOException {
        BufferedReader b = r instanceof BufferedReader br ? br : new BufferedReader(r);
        b.mark(1);
        if (b.read() != '\uFEFF') {
            b.reset();
        }
        return b;
    }
}
