package io.github.medvp.data.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.github.medvp.MedvpException;

class ModalityNamesTest {

    private final ModalityNames names = ModalityNames.defaults();

    @Test
    void templateOrderIsTheReferenceOrder() {
        assertEquals("[flair, t1, t1c, t2, mra, pd, dwi, adc]", Modality.TEMPLATED.toString());
        for (int i = 0; i < Modality.TEMPLATED.size(); i++) {
            assertEquals(i, Modality.TEMPLATED.get(i).ordinal(), "the ordinal stays the template index");
        }
        assertEquals(Modality.ADC, Modality.ofTemplateIndex(7));
        assertEquals(2, Modality.T1C.templateIndex());
        assertThrows(IllegalArgumentException.class, () -> Modality.ofTemplateIndex(8));
    }

    @Test
    void ctIsAModalityWithoutTemplate() {
        assertEquals("[flair, t1, t1c, t2, mra, pd, dwi, adc, ct]", java.util.Arrays.toString(Modality.values()));
        assertFalse(Modality.CT.hasTemplate());
        assertTrue(Modality.CT.isHounsfield());
        assertTrue(Modality.FLAIR.hasTemplate());
        assertFalse(Modality.T2.isHounsfield());
        IllegalStateException e = assertThrows(IllegalStateException.class, Modality.CT::templateIndex);
        assertTrue(e.getMessage().contains("ct has no BrainMVP template"), e.getMessage());
        assertEquals(Modality.CT, names.resolve("ct"));
        assertEquals(Modality.CT, names.resolve("CT"));
        assertEquals(Modality.CT, names.ofFile(Path.of("case_001_CT.nii.gz")));
        assertTrue(names.accepted().endsWith("ct"), names.accepted());
    }

    @Test
    void referenceAliasTableCaseInsensitive() {
        String[][] table = { { "t1ce", "t1c" }, { "T1c", "t1c" }, { "t1c", "t1c" }, { "t1n", "t1" }, { "T1", "t1" },
                { "t2w", "t2" }, { "T2", "t2" }, { "t2f", "flair" }, { "FLAIR", "flair" }, { "MRA", "mra" },
                { "PD", "pd" }, { "DWI", "dwi" }, { "dwi", "dwi" }, { "ADC", "adc" }, { "T1CE", "t1c" } };
        for (String[] row : table) {
            assertEquals(row[1], names.resolve(row[0]).token(), row[0]);
        }
        assertNull(names.resolve("seg"));
    }

    @Test
    void tokenIsLastPartOfTheFileName() {
        assertEquals("flair", ModalityNames.token(Path.of("a/BraTS2021_00000_flair.nii.gz")));
        assertEquals("t2f", ModalityNames.token(Path.of("BraTS-GLI-00000-000-t2f.nii.gz")));
        assertEquals("T1", ModalityNames.token(Path.of("IXI002|Guys|T1.nii")));
        assertEquals("BraTS-GLI-00000-000", ModalityNames.caseName(Path.of("BraTS-GLI-00000-000-t2f.nii.gz")));
        assertEquals(Modality.FLAIR, names.ofFile(Path.of("BraTS-GLI-00000-000-t2f.nii.gz")));
        assertEquals(Modality.T1C, names.ofFile(Path.of("UCSF-PDGM-004_T1c.nii.gz")));
    }

    @Test
    void userAliasesAddToTheTable() {
        ModalityNames user = names.withAliases("T1GD=t1c, FLAIR_reg=flair");
        assertEquals(Modality.T1C, user.resolve("t1gd"));
        assertEquals(Modality.FLAIR, user.resolve("flair_REG"));
        assertNull(names.resolve("T1GD"), "the defaults stay unchanged");
        assertTrue(user.accepted().contains("t1c (t1ce, t1gd)"), user.accepted());
    }

    @Test
    void badAliasesAndUnknownNamesSayWhatIsAccepted() {
        MedvpException e = assertThrows(MedvpException.class, () -> names.withAliases("T1GD=t9"));
        assertTrue(e.getMessage().contains("T1GD=t9") && e.getMessage().contains("accepted"), e.getMessage());
        assertThrows(MedvpException.class, () -> names.withAliases("T1GD"));
        e = assertThrows(MedvpException.class, () -> names.require("swi", "case1_swi.nii.gz"));
        assertTrue(e.getMessage().startsWith("case1_swi.nii.gz: unknown modality 'swi'"), e.getMessage());
        assertTrue(e.getMessage().contains("flair (t2f)"), e.getMessage());
    }
}
