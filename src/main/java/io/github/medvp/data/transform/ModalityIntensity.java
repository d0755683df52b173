package io.github.medvp.data.transform;

import io.github.medvp.data.Sample;
import io.github.medvp.data.manifest.Modality;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The intensity rule of fine-tuning and inference, chosen per channel by its modality, one definition for both:
 * <ul>
 * <li>MRI channels (and unnamed ones): 5–95 percentile scaling without clipping, per channel, as BrainMVP's
 * downstream code ({@code ScaleIntensityRangePercentilesd(lower=5, upper=95, b_min=0, b_max=1, clip=False,
 * channel_wise=True)} in {@code custom_transform} of the reference's {@code Downstream/dataset/transforms.py}); an MRI
 * scanner's values have no physical unit, so the study's own range is the only scale;</li>
 * <li>CT channels ({@link Modality#isHounsfield()}): the HU window mapped to [0, 1] with clipping
 * ({@link HounsfieldWindow}), as MG-3D's {@code BaseDataset.get_raw_image} ({@code mg3d/datasets/base_dataset.py});
 * default [−1000, 1000], the window MG-3D's encoder was pre-trained on. HU are absolute, so a fixed window keeps
 * air at 0 and tissue at the same value in every study, which percentiles of one scan would not.</li>
 * </ul>
 * Air maps to 0 under the default window, so {@link CropForeground} after this transform crops to the body and
 * {@link PadTo}'s zeros read as air.
 * <p>
 * Immutable and thread-safe.
 */
public final class ModalityIntensity implements Transform {

    /** The rule with MG-3D's window [−1000, 1000]. */
    public static final ModalityIntensity DEFAULT = new ModalityIntensity(HounsfieldWindow.DEFAULT);

    private final PercentileScale mri = new PercentileScale(5, 95, false);
    private final HounsfieldWindow ct;

    /**
     * @param window the CT window {lower, upper} in HU
     * @throws IllegalArgumentException unless two numbers with lower &lt; upper
     */
    public ModalityIntensity(double[] window) {
        if (window == null || window.length != 2) {
            throw new IllegalArgumentException("the HU window needs two numbers, got " + Arrays.toString(window));
        }
        this.ct = new HounsfieldWindow(window[0], window[1]);
    }

    /** @return the CT window {lower, upper} in HU (a fresh array) */
    public double[] window() {
        return ct.bounds();
    }

    @Override
    public Sample apply(Sample s, RandomGenerator rng) {
        List<Modality> mods = s.modalities();
        float[][] image = s.image();
        for (int c = 0; c < image.length; c++) {
            if (!mods.isEmpty() && mods.get(c).isHounsfield()) {
                ct.window(image[c]);
            } else {
                mri.scale(image[c]);
            }
        }
        return s;
    }

    /**
     * @param modalities a model's input channels
     * @return what this rule does to them, for a model header ({@code normalisation}) and logs
     */
    public String describe(List<Modality> modalities) {
        boolean anyCt = modalities.stream().anyMatch(Modality::isHounsfield);
        boolean anyMri = modalities.stream().anyMatch(m -> !m.isHounsfield());
        double[] w = window();
        String window = String.format(Locale.ROOT, "HU window [%s, %s] to [0, 1] with clipping", num(w[0]),
                num(w[1]));
        String percentile = "per-channel 5-95 percentile scaling without clipping";
        String rule = anyCt && anyMri ? percentile + " (MRI channels), " + window + " (CT channels)"
                : anyCt ? window : percentile;
        return rule + ", RAS, 1 mm";
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public String toString() {
        double[] w = window();
        return "ModalityIntensity[mri 5-95 percentiles, ct " + num(w[0]) + ".." + num(w[1]) + " HU]";
    }
}
