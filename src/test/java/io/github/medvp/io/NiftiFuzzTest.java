package io.github.medvp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes header parsing and voxel decoding: whatever the bytes, only {@link IOException} may escape. Without
 * {@code JAZZER_FUZZ} set this replays the seed corpus in {@code NiftiFuzzTestInputs/fuzzReader}.
 */
class NiftiFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void fuzzReader(byte[] input) {
        try {
            Volume v = new NiftiReader(1 << 16).read(input, "fuzz.nii");
            VolumeInspector.statistics(v);
            v.geometry().axisCodes();
        } catch (IOException expected) {
            // Damaged input is reported, which is all we ask.
        }
    }

    /** The seeds are what their names say, so the replay covers both success and failure paths. */
    @Test
    void seedCorpusCoversValidAndDamagedFiles() throws IOException, URISyntaxException {
        Path dir = Paths.get(getClass().getResource("NiftiFuzzTestInputs/fuzzReader").toURI());
        List<Path> seeds;
        try (Stream<Path> s = Files.list(dir)) {
            seeds = s.sorted().collect(Collectors.toList());
        }
        int valid = 0;
        for (Path p : seeds) {
            byte[] b = Files.readAllBytes(p);
            if (p.getFileName().toString().startsWith("valid")) {
                new NiftiReader().read(b, p.toString());
                valid++;
            } else {
                assertThrows(IOException.class, () -> new NiftiReader().read(b, p.toString()), p.toString());
            }
        }
        assertEquals(7, valid);
    }
}
