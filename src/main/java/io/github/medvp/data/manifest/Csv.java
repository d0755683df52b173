package io.github.medvp.data.manifest;

import java.util.ArrayList;
import java.util.List;

/** A small RFC 4180 CSV parser: quoted fields with {@code ""} escapes and line breaks, CRLF or LF, a leading BOM. */
public final class Csv {

    private Csv() {
    }

    /**
     * @param text the whole file
     * @return rows of fields; blank lines are skipped
     * @throws IllegalArgumentException naming the line when a quote is never closed or text follows a closing quote
     */
    public static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? 1 : 0;
        int n = text.length();
        int line = 1;
        while (i <= n) {
            if (i < n && text.charAt(i) == '"' && field.length() == 0) {
                int start = line;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("a quoted field opened on line " + start
                                + " is never closed");
                    }
                    char ch = text.charAt(i++);
                    if (ch == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        line += ch == '\n' ? 1 : 0;
                        field.append(ch);
                    }
                }
                if (i < n && ",\r\n".indexOf(text.charAt(i)) < 0) {
                    throw new IllegalArgumentException("text after a closing quote on line " + line);
                }
                continue;
            }
            char ch = i < n ? text.charAt(i) : '\n';
            i++;
            if (ch == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (ch == '\n') {
                row.add(field.toString());
                field.setLength(0);
                if (!(row.size() == 1 && row.get(0).isBlank())) {
                    rows.add(row);
                }
                row = new ArrayList<>();
                line++;
            } else if (ch != '\r') {
                field.append(ch);
            }
        }
        return rows;
    }
}
