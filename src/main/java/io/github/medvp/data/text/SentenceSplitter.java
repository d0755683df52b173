package io.github.medvp.data.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits report text into lower-cased sentences ({@code BaseDataset.get_text_sen} of the reference's
 * {@code mg3d/datasets/base_dataset.py} reads the {@code findings_sen}/{@code impression_sen} columns, whose builder is
 * missing, and its {@code split_into_sents}: break after "." "?" "!", protecting abbreviations and decimals).
 * <p>
 * A sentence ends at a run of {@code . ? !} (optionally followed by closing quotes or brackets) that is followed by
 * whitespace or the end of the text, except after an abbreviation ({@code e.g.}, {@code i.e.}, {@code approx.},
 * {@code dr.}, {@code vs.}, {@code no.} before a number, single letters, …). A point followed by a digit never ends
 * a sentence, so decimals ({@code 3.5 cm}, {@code .5 cm}) are safe. Numbered or bulleted list items ({@code 1.},
 * {@code 2)}, {@code -}, {@code •} at the start of a line or after a sentence) start a new sentence and their marker
 * is dropped; a line break before a list item also ends the sentence. Sentences keep their final punctuation and are
 * lower-cased ({@link Locale#ROOT}) with whitespace collapsed; empty ones are dropped.
 * <p>
 * Optionally ({@link #SentenceSplitter(boolean)}) a comma followed by whitespace also ends a piece, as the
 * reference's data folder name {@code pretrain_arrows_comma_*} (in its {@code run_scripts/pretrain*.sh}) suggests its
 * missing sentence builder did; decimal commas ({@code 1,5}) are safe. Off by default.
 * <p>
 * Stateless and thread-safe.
 */
public final class SentenceSplitter {

    /** Words that end with a point without ending the sentence (lower case, without the final point). */
    static final Set<String> ABBREVIATIONS = Set.of("e.g", "eg", "i.e", "ie", "approx", "appr", "dr", "drs", "mr",
            "mrs", "ms", "prof", "vs", "fig", "figs", "cf", "al", "st", "resp", "incl", "ca", "sr", "jr", "viz",
            "etc", "ref", "no", "nos", "pt", "pts", "hx", "dx");

    private static final Pattern LIST_MARKER = Pattern.compile("^(?:\\(?\\d{1,2}[.)]|[-•*])\\s+");
    private static final Pattern LINE_ITEM = Pattern.compile("\\n\\s*(?:\\(?\\d{1,2}[.)]|[-•*])\\s+");

    private final boolean atCommas;

    /** Creates a splitter that does not split at commas. */
    public SentenceSplitter() {
        this(false);
    }

    /** @param atCommas whether a comma followed by whitespace also ends a sentence */
    public SentenceSplitter(boolean atCommas) {
        this.atCommas = atCommas;
    }

    /**
     * @param text report text (may be null or blank)
     * @return its sentences, lower-cased
     */
    public List<String> split(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        // A line that starts a list item ends the previous sentence even without a full stop.
        Matcher items = LINE_ITEM.matcher(text);
        int from = 0;
        while (items.find()) {
            splitRun(text.substring(from, items.start()), out);
            from = items.start() + 1;
        }
        splitRun(text.substring(from), out);
        return out;
    }

    private void splitRun(String text, List<String> out) {
        int n = text.length();
        int start = 0;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (atCommas && c == ',' && i + 1 < n && Character.isWhitespace(text.charAt(i + 1))) {
                add(text.substring(start, i + 1), out);
                start = i + 1;
                i++;
            } else if (c == '.' || c == '?' || c == '!') {
                int end = i + 1;
                while (end < n && ".?!".indexOf(text.charAt(end)) >= 0) {
                    end++;
                }
                while (end < n && "\"')]}".indexOf(text.charAt(end)) >= 0) {
                    end++;
                }
                boolean boundary = end == n || Character.isWhitespace(text.charAt(end));
                if (boundary && c == '.' && end == i + 1 && isAbbreviation(text, start, i)) {
                    boundary = false;
                }
                if (boundary && c == '.' && end == i + 1 && isListMarker(text, start, i)) {
                    boundary = false; // "1." opening a sentence: the item continues
                }
                if (boundary) {
                    add(text.substring(start, end), out);
                    start = end;
                }
                i = end;
            } else {
                i++;
            }
        }
        add(text.substring(start), out);
    }

    /** Whether the word ending at the point {@code dot} is an abbreviation. */
    private static boolean isAbbreviation(String text, int start, int dot) {
        int w = dot;
        while (w > start && !Character.isWhitespace(text.charAt(w - 1)) && text.charAt(w - 1) != '(') {
            w--;
        }
        String word = text.substring(w, dot).toLowerCase(Locale.ROOT);
        if (word.isEmpty()) {
            return false;
        }
        if (word.equals("no") || word.equals("nos")) {
            // "no." is an abbreviation only before a number ("no. 3"); "there is no." ends a sentence.
            return nextIsDigit(text, dot + 1);
        }
        if (word.length() == 1 && Character.isLetter(word.charAt(0))) {
            return true; // initials ("J. Smith"); reports rarely end a sentence on a one-letter word
        }
        return ABBREVIATIONS.contains(word) || word.matches("(?:[a-z]\\.)+[a-z]");
    }

    private static boolean nextIsDigit(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i < text.length() && Character.isDigit(text.charAt(i));
    }

    /** Whether the text from {@code start} up to the point {@code dot} is only a list number. */
    private static boolean isListMarker(String text, int start, int dot) {
        String before = text.substring(start, dot).strip();
        return before.matches("\\(?\\d{1,2}");
    }

    private static void add(String sentence, List<String> out) {
        String s = sentence.strip();
        Matcher m = LIST_MARKER.matcher(s);
        while (m.find()) {
            s = s.substring(m.end()).strip();
            m = LIST_MARKER.matcher(s);
        }
        s = s.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        if (!s.isEmpty() && !s.matches("[.?!]+")) {
            out.add(s);
        }
    }
}
