package io.github.medvp.fiji;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The launcher's progress output: lines worth keeping in a file, one updating line on a terminal. */
class TerminalProgressTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final long[] now = {0};

    private TerminalProgress progress(int columns) {
        return new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), columns, () -> now[0]);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void inAFileATrainingPrintsItsLogLinesOnceAndTheCountAgreesWithTheStep() {
        TerminalProgress p = progress(0);
        for (int step = 1; step <= 300; step++) {
            boolean log = step % 10 == 0;
            String text = "train: step " + step + "/300";
            p.show("train", step, 300, text, !log);
            if (log) {
                p.show("train", step, 300, text + " again", false); // the same step reported twice
                p.show("train", step - 3, 300, "train: late", false); // a late report of the same run
            }
        }
        StringBuilder expected = new StringBuilder();
        for (int step = 10; step <= 300; step += 10) {
            expected.append("[").append(step).append("/300] train: step ").append(step).append("/300\n");
        }
        assertEquals(expected.toString(), printed());
    }

    @Test
    void inAFileStagesRunAgainButNeverPrintBackwards() {
        TerminalProgress p = progress(0);
        p.show("Checking studies", 2, 6, "Checking studies", false);
        p.show("Checking studies", 1, 6, "Checking studies", false); // another worker, later
        p.show("Checking studies", 6, 6, "Checking studies", true); // a tick that ends the stage
        p.show("Checking studies", 5, 6, "Checking studies", false); // ended, and not a new start
        p.show("Segmenting", 0, 2, "Segmenting: a", false);
        p.show("Segmenting", 1, 2, "Segmenting: b", false);
        p.show("Segmenting", 2, 2, "Segmenting", false);
        p.show("Segmenting", 0, 2, "Segmenting: a", false); // the same stage again, from its start
        p.show("Segmenting", 2, 2, "Segmenting", false);
        p.show("validation", 0, 2, "validation: a", false); // never reports its end
        p.show("train", 5, 10, "train: step 5/10", false);
        p.show("validation", 0, 2, "validation: a", false); // a new validation after training went on
        p.show("download", 3, -1, "download: 3 MiB", false);
        p.show("download", 3, -1, "download: 3 MiB", false);
        p.show("download", 7, -1, "download: 7 MiB", false);
        p.finish();
        p.show("train", 10, 10, "train: step 10/10", false); // after the outcome: never printed
        assertEquals("""
                [2/6] Checking studies
                [6/6] Checking studies
                [0/2] Segmenting: a
                [1/2] Segmenting: b
                [2/2] Segmenting
                [0/2] Segmenting: a
                [2/2] Segmenting
                [0/2] validation: a
                [5/10] train: step 5/10
                [0/2] validation: a
                download: 3 MiB
                download: 7 MiB
                """, printed());
    }

    @Test
    void onATerminalOneLineUpdatesInPlaceCutToTheWidthAndEndsWithItsStage() {
        TerminalProgress p = progress(16);
        p.show("train", 1, 3, "train: a long message", true);
        now[0] += 50_000_000L; // within 0.1 s of the last redraw: skipped
        p.show("train", 2, 3, "train: b", true);
        now[0] += 100_000_000L;
        p.show("train", 2, 3, "train: b", false);
        p.show("train", 3, 3, "train: done", false); // a stage's end is always drawn, and kept
        p.show("eval", 1, 2, "eval", false);
        p.finish();
        assertEquals("\r[1/3] train: a \r[2/3] train: b \r[3/3] train: do\n\r[1/2] eval\n", printed());
    }

    @Test
    void onATerminalOtherOutputWipesTheLineWhichTheNextReportDrawsAgain() {
        TerminalProgress p = progress(40);
        PrintStream log = p.guard();
        p.show("train", 1, 3, "train", true);
        log.println("[INFO] a log line");
        log.print("no newline yet");
        p.show("train", 2, 3, "train", true); // would overwrite the unfinished line: not drawn
        log.println();
        p.show("train", 3, 3, "train", false);
        assertEquals("\r[1/3] train" + "\r" + " ".repeat(11) + "\r[INFO] a log line\nno newline yet\n"
                + "\r[3/3] train\n", printed());
    }
}
