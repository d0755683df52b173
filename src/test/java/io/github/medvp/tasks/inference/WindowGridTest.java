package io.github.medvp.tasks.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WindowGridTest {

    @Test
    void bratsVolumeNeeds48WindowsWithTheLastAlignedToTheEnd() {
        WindowGrid g = WindowGrid.of(new int[] {240, 240, 155}, new int[] {96, 96, 96}, 0.5);
        assertArrayEquals(new int[] {48, 48, 48}, g.interval());
        assertArrayEquals(new int[] {0, 48, 96, 144}, g.starts(0));
        // 0, 48, then 96 moved back to 155 − 96 = 59.
        assertArrayEquals(new int[] {0, 48, 59}, g.starts(2));
        assertEquals(48, g.count());
        assertArrayEquals(new int[] {0, 0, 0}, g.padBefore());
        // MONAI's order: Z fastest, X slowest.
        assertArrayEquals(new int[] {0, 0, 59}, g.start(2));
        assertArrayEquals(new int[] {0, 48, 0}, g.start(3));
        assertArrayEquals(new int[] {48, 0, 0}, g.start(12));
        assertArrayEquals(new int[] {144, 144, 59}, g.start(47));
    }

    @Test
    void smallerAxesArePaddedSymmetricallyAndScannedOnce() {
        WindowGrid g = WindowGrid.of(new int[] {50, 96, 130}, new int[] {96, 96, 96}, 0.5);
        assertArrayEquals(new int[] {96, 96, 130}, g.padded());
        assertArrayEquals(new int[] {23, 0, 0}, g.padBefore());
        // An axis exactly one window long: interval = window (MONAI), one window.
        assertArrayEquals(new int[] {96, 96, 48}, g.interval());
        assertArrayEquals(new int[] {0, 34}, g.starts(2));
        assertEquals(2, g.count());
        WindowGrid odd = WindowGrid.of(new int[] {5, 8, 8}, new int[] {8, 8, 8}, 0.5);
        assertArrayEquals(new int[] {1, 0, 0}, odd.padBefore());
    }

    @Test
    void otherOverlapsFollowMonaisIntervalRule() {
        // int(96 · 0.75) = 72; 0, 72, 144 → 144 + 96 ≥ 200, last moved to 104.
        WindowGrid g = WindowGrid.of(new int[] {200, 96, 97}, new int[] {96, 96, 96}, 0.25);
        assertArrayEquals(new int[] {0, 72, 104}, g.starts(0));
        assertArrayEquals(new int[] {0, 1}, g.starts(2));
        // No overlap: stride = window. A stride int(5 · 0.1) = 0 becomes 1.
        assertArrayEquals(new int[] {0, 96, 104}, WindowGrid.of(new int[] {200, 1, 1}, new int[] {96, 1, 1}, 0)
                .starts(0));
        assertArrayEquals(new int[] {0, 1}, WindowGrid.of(new int[] {6, 1, 1}, new int[] {5, 1, 1}, 0.9)
                .starts(0));
        assertThrows(IllegalArgumentException.class, () -> WindowGrid.of(new int[] {9, 9, 9}, new int[] {8, 8, 8}, 1));
    }
}
