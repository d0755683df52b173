package io.github.medvp.train;

import io.github.medvp.MedvpException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LrScheduleTest {

    @Test
    void cosineMatchesPytorchClosedForm() {
        LrSchedule s = LrSchedule.cosine(3e-4, 0, 100);
        assertEquals(3e-4, s.lr(0), 1e-15);
        assertEquals(1.5e-4, s.lr(50), 1e-15);
        assertEquals(3e-4 * (1 + Math.cos(Math.PI * 0.25)) / 2, s.lr(25), 1e-15);
        assertEquals(0, s.lr(100), 1e-15);
        assertEquals(0, s.lr(150), 1e-15, "held at the minimum, not rising again");
    }

    @Test
    void warmupLinearRisesThenDecaysToZero() {
        LrSchedule s = LrSchedule.warmupLinear(1e-4, 10, 110);
        assertEquals(0, s.lr(0), 1e-15);
        assertEquals(5e-5, s.lr(5), 1e-15);
        assertEquals(1e-4, s.lr(10), 1e-15);
        assertEquals(5e-5, s.lr(60), 1e-15);
        assertEquals(0, s.lr(110), 1e-15);
        assertEquals(0, s.lr(500), 1e-15);
    }

    @Test
    void warmupCosineIsContinuousAtTheJoin() {
        LrSchedule s = LrSchedule.warmupCosine(2e-4, 0, 4, 104);
        assertEquals(2e-4 * 4 / 5, s.lr(3), 1e-15);
        assertEquals(2e-4, s.lr(4), 1e-15);
        assertEquals(1e-4, s.lr(54), 1e-15);
    }

    @Test
    void rejectsNonsense() {
        assertThrows(MedvpException.class, () -> LrSchedule.cosine(-1, 0, 10));
        assertThrows(MedvpException.class, () -> LrSchedule.cosine(1e-3, 0, 0));
        assertThrows(MedvpException.class, () -> LrSchedule.warmupLinear(1e-3, 10, 10));
        assertThrows(MedvpException.class, () -> LrSchedule.constant(Double.NaN));
    }
}
