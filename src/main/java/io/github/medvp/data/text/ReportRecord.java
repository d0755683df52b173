package io.github.medvp.data.text;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One volume-report pair of a {@link ReportDataset}.
 *
 * @param id the study id (the list's id column, else the volume's file name without {@code .nii[.gz]})
 * @param volume the volume file (absolute)
 * @param findings the findings text ("" when absent)
 * @param impression the impression text ("" when absent)
 * @param labels label name to value (e.g. CT-RATE's 18 abnormality columns, 0/1), in the list's column order;
 *     missing values are NaN
 */
public record ReportRecord(String id, Path volume, String findings, String impression, Map<String, Double> labels) {

    /** Copies the labels. */
    public ReportRecord {
        findings = findings == null ? "" : findings;
        impression = impression == null ? "" : impression;
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** @return findings and impression joined with a space (vocabulary building, retrieval display) */
    public String text() {
        return (findings + " " + impression).strip();
    }
}
