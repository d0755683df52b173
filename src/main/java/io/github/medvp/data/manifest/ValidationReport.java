package io.github.medvp.data.manifest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import io.github.medvp.MedvpException;

/** What {@link ManifestValidator} found: the problems of each bad study and a one-line summary. */
public final class ValidationReport {

    /** The problems of one study, each a short sentence naming the file. */
    public record StudyProblems(Study study, List<String> problems) {
        public StudyProblems {
            problems = List.copyOf(problems);
        }
    }

    private static final int SHOWN = 3;

    private final int studies;
    private final int files;
    private final List<StudyProblems> bad;

    /**
     * @param studies number of studies checked
     * @param files number of distinct files checked
     * @param bad the studies with problems
     */
    public ValidationReport(int studies, int files, List<StudyProblems> bad) {
        this.studies = studies;
        this.files = files;
        this.bad = List.copyOf(bad);
    }

    /** True when every study is usable. */
    public boolean isClean() {
        return bad.isEmpty();
    }

    /** The studies with problems, in manifest order. */
    public List<StudyProblems> problems() {
        return bad;
    }

    /** The bad studies (identity set). */
    public Set<Study> badStudies() {
        Set<Study> s = Collections.newSetFromMap(new IdentityHashMap<>());
        for (StudyProblems p : bad) {
            s.add(p.study());
        }
        return s;
    }

    /** Number of problems over all studies. */
    public int problemCount() {
        int n = 0;
        for (StudyProblems p : bad) {
            n += p.problems().size();
        }
        return n;
    }

    /** One line, e.g. {@code "checked 120 studies (480 files): 118 usable, 2 with 3 problems"}. */
    public String summary() {
        String head = "checked " + studies + " stud" + (studies == 1 ? "y" : "ies") + " (" + files + " file"
                + (files == 1 ? "" : "s") + "): ";
        if (bad.isEmpty()) {
            return head + "all usable";
        }
        return head + (studies - bad.size()) + " usable, " + bad.size() + " with " + problemCount() + " problem"
                + (problemCount() == 1 ? "" : "s");
    }

    /** The summary, then every problem on its own line under its study (for a run folder or the log window). */
    public String details() {
        StringBuilder sb = new StringBuilder(summary()).append('\n');
        for (StudyProblems p : bad) {
            sb.append(p.study().id()).append(" (").append(p.study().source()).append("):\n");
            for (String problem : p.problems()) {
                sb.append("  - ").append(problem).append('\n');
            }
        }
        return sb.toString();
    }

    /** One line per bad study, for the log when bad studies are skipped. */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        for (StudyProblems p : bad) {
            w.add("skipping study " + p.study().id() + " (" + p.study().source() + "): "
                    + String.join("; ", p.problems()));
        }
        return w;
    }

    /** The error for a run that may not skip bad studies: the first problems, how many more, what to do. */
    public MedvpException toException() {
        List<String> shown = new ArrayList<>();
        for (StudyProblems p : bad) {
            for (String problem : p.problems()) {
                if (shown.size() < SHOWN) {
                    shown.add(p.study().id() + ": " + problem);
                }
            }
        }
        int more = problemCount() - shown.size();
        return new MedvpException(summary() + " — " + String.join("; ", shown)
                + (more > 0 ? " (and " + more + " more)" : "")
                + "; fix the manifest or skip bad studies");
    }
}
