package io.github.medvp.tasks.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.medvp.data.transform.LabelToRegions;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.Sample;
import io.github.medvp.io.Geometry;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostprocessTest {

    @Test
    void sigmoidThresholdIsALogitThreshold() {
        float[][] logits = {{-2f, -1e-3f, 0f, 1e-3f, 3f}};
        assertArrayEquals(new boolean[] {false, false, false, true, true}, Postprocess.sigmoidMasks(logits, 0.5)[0]);
        // sigmoid(x) > 0.9 ⟺ x > ln 9 ≈ 2.197.
        assertArrayEquals(new boolean[] {false, false, false, false, true}, Postprocess.sigmoidMasks(logits, 0.9)[0]);
        float[][] near = {{2.19f, 2.20f}};
        assertArrayEquals(new boolean[] {false, true}, Postprocess.sigmoidMasks(near, 0.9)[0]);
    }

    @Test
    void argmaxTakesTheFirstMaximum() {
        float[][] logits = {{1, 0, 2, 5}, {3, 0, 2, Float.NaN}, {2, 0, 1, 4}};
        assertArrayEquals(new int[] {1, 0, 0, 0}, Postprocess.argmax(logits));
        boolean[][] m = Postprocess.classMasks(new int[] {1, 0, 2, 1}, 1, 2);
        assertArrayEquals(new boolean[] {true, false, false, true}, m[0]);
        assertArrayEquals(new boolean[] {false, false, true, false}, m[1]);
    }

    @Test
    void bratsLabelMapRoundTripsThroughLabelToRegions() {
        roundTrip(LabelToRegions.brats(), Postprocess.BRATS, new float[] {0, 1, 2, 4, 4, 2, 1, 0});
        roundTrip(LabelToRegions.brats2023(), Postprocess.BRATS_2023, new float[] {0, 1, 2, 3, 3, 2, 1, 0});
        // ET predicted outside WT keeps ET's label; WT only is oedema.
        boolean[][] odd = {{false, false}, {false, true}, {true, false}};
        assertArrayEquals(new int[] {4, 2}, Postprocess.labelMap(odd, Postprocess.BRATS));
    }

    private static void roundTrip(LabelToRegions toRegions, List<Postprocess.Paint> paint, float[] labels) {
        Sample s = Sample.of(new int[] {labels.length, 1, 1}, new float[][] {new float[labels.length]},
                List.of(Modality.T1), new float[][] {labels.clone()}, Geometry.ofSpacing(1, 1, 1));
        boolean[][] regions = Postprocess.masks(toRegions.apply(s, null).label());
        int[] back = Postprocess.labelMap(regions, paint);
        for (int i = 0; i < labels.length; i++) {
            assertEquals((int) labels[i], back[i], "voxel " + i);
        }
    }

    @Test
    void probabilitiesAreSigmoidsOrASoftmax() {
        float[][] logits = { { 0f, (float) Math.log(3), 1000f }, { 0f, 0f, -1000f } };
        float[][] sig = Postprocess.probabilities(logits, false);
        assertArrayEquals(new float[] { 0.5f, 0.75f, 1f }, sig[0], 1e-6f);
        assertArrayEquals(new float[] { 0.5f, 0.5f, 0f }, sig[1], 1e-6f);
        // Softmax of (ln 3, 0) is (3/4, 1/4); (1000, −1000) stays finite.
        float[][] soft = Postprocess.probabilities(logits, true);
        assertArrayEquals(new float[] { 0.5f, 0.75f, 1f }, soft[0], 1e-6f);
        assertArrayEquals(new float[] { 0.5f, 0.25f, 0f }, soft[1], 1e-6f);
    }
}
