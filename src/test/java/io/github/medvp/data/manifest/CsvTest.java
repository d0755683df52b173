package io.github.medvp.data.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.medvp.MedvpException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Commons CSV behind one door: quoted fields, line numbers, and unbalanced quotes refused with the line. */
class CsvTest {

    @Test
    void quotedFieldsBomBlankLinesAndStartLines() {
        List<Csv.Row> rows = Csv.parse(new StringReader("\uFEFFa,b\r\n\r\n\"x, y\",\"two\nlines\"\n\"q \"\"z\"\"\",\n"),
                "t.csv", ',');
        assertEquals(3, rows.size());
        assertEquals(List.of("a", "b"), rows.get(0).cells());
        assertEquals(List.of("x, y", "two\nlines"), rows.get(1).cells());
        assertEquals(3, rows.get(1).line());
        assertEquals(List.of("q \"z\"", ""), rows.get(2).cells());
        assertEquals(5, rows.get(2).line());
        assertEquals("", rows.get(2).cell(7));
    }

    @Test
    void aQuoteNeverClosedNamesTheFileAndLine() {
        MedvpException e = assertThrows(MedvpException.class, () -> Csv.parse(new StringReader(
                "a,b\n1,2\n3,\"open\n4,5\n"), "list.csv", ','));
        assertTrue(e.getMessage().startsWith("list.csv line 3: unbalanced quote"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void textAfterAClosingQuoteIsRefused() {
        MedvpException e = assertThrows(MedvpException.class, () -> Csv.parse(new StringReader(
                "a,b\n1,2\n3,\"x\"y\n"), "list.csv", ','));
        assertTrue(e.getMessage().startsWith("list.csv line 3: unbalanced quote"), e.getMessage());
    }

    @Test
    void aQuoteClosedRowsLaterShiftsNoColumns() {
        // The hand-written parser took rows 2-4 as one field and read on with the columns moved; the table refuses
        // the row whose field count no longer matches the header.
        MedvpException e = assertThrows(MedvpException.class, () -> Csv.table(
                "VolumeName,Findings_EN,Emphysema\na.nii.gz,\"clear,1\nb.nii.gz,none,0\nc.nii.gz,\",1,0\n", "r.csv"));
        assertTrue(e.getMessage().startsWith("r.csv line 2: 4 fields, the header has 3"), e.getMessage());
        assertEquals(2, Csv.table("a,b\n1,2\n", "ok.csv").header().size());
        e = assertThrows(MedvpException.class, () -> Csv.table("\n\n", "empty.csv"));
        assertTrue(e.getMessage().startsWith("empty.csv: empty CSV"), e.getMessage());
    }
}
