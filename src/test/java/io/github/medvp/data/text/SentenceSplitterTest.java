package io.github.medvp.data.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    private final SentenceSplitter splitter = new SentenceSplitter();

    @Test
    void splitsAtTerminatorsAndLowerCases() {
        assertEquals(List.of("the lungs are clear.", "no effusion!", "is there a nodule?"),
                splitter.split("The lungs are clear. No effusion!  Is there a nodule?"));
        assertEquals(List.of("no final stop"), splitter.split("No final stop"));
        assertEquals(List.of(), splitter.split("  "));
        assertEquals(List.of(), splitter.split(null));
        assertEquals(List.of("wait...", "what?!", "(closed.)", "next."),
                splitter.split("Wait... What?! (Closed.) Next."));
    }

    @Test
    void decimalsAndAbbreviationsDoNotEndSentences() {
        assertEquals(List.of("a nodule of 3.5 cm and another of .5 cm.", "stable."),
                splitter.split("A nodule of 3.5 cm and another of .5 cm. Stable."));
        assertEquals(List.of("mass approx. 2 cm, e.g. in the apex, i.e. upper lobe.",
                "seen by dr. smith vs. dr. j. doe."), splitter.split("Mass approx. 2 cm, e.g. in the apex, i.e. upper "
                + "lobe. Seen by Dr. Smith vs. Dr. J. Doe."));
        // "no." is an abbreviation only before a number.
        assertEquals(List.of("see image no. 4 for the lesion.", "effusion: no.", "next."),
                splitter.split("See image No. 4 for the lesion. Effusion: no. Next."));
        assertEquals(List.of("size 12.", "next."), splitter.split("Size 12. Next."));
    }

    @Test
    void numberedAndBulletedListsBecomeSentencesWithoutMarkers() {
        assertEquals(List.of("pleural effusion.", "atelectasis of 2.5 cm.", "no nodule."),
                splitter.split("1. Pleural effusion. 2. Atelectasis of 2.5 cm. 3. No nodule."));
        assertEquals(List.of("findings:", "emphysema", "small effusion"),
                splitter.split("Findings:\n1) Emphysema\n2) Small effusion"));
        assertEquals(List.of("a", "b."), splitter.split("- A\n- B."));
        // A plain line break inside a sentence is whitespace.
        assertEquals(List.of("the trachea is in the midline."), splitter.split("The trachea is\nin the midline."));
    }

    @Test
    void optionallySplitsAtCommasButNotInDecimals() {
        SentenceSplitter commas = new SentenceSplitter(true);
        assertEquals(List.of("lungs clear,", "no effusion,", "nodule 1,5 cm.", "stable."),
                commas.split("Lungs clear, no effusion, nodule 1,5 cm. Stable."));
        assertEquals(List.of("lungs clear, no effusion."), splitter.split("Lungs clear, no effusion."));
    }
}
