package io.github.medvp.data;

import io.github.medvp.data.transform.CenterCrop;
import io.github.medvp.data.transform.CenterCropForeground;
import io.github.medvp.data.transform.CenterCropRatio;
import io.github.medvp.data.transform.Compose;
import io.github.medvp.data.transform.CropForeground;
import io.github.medvp.data.transform.HounsfieldWindow;
import io.github.medvp.data.transform.LabelToRegions;
import io.github.medvp.data.transform.LoadStudy;
import io.github.medvp.data.manifest.Modality;
import io.github.medvp.data.transform.ModalityIntensity;
import io.github.medvp.data.transform.ModalitySubsample;
import io.github.medvp.data.transform.PadTo;
import io.github.medvp.data.transform.PercentileScale;
import io.github.medvp.data.transform.RandomCrop;
import io.github.medvp.data.transform.RandomFlip;
import io.github.medvp.data.transform.RandomIntensity;
import io.github.medvp.data.transform.ResampleSpacing;
import io.github.medvp.data.transform.ResizeTo;
import io.github.medvp.data.transform.SelectModalities;
import io.github.medvp.data.manifest.Study;
import io.github.medvp.data.manifest.StudyManifest;
import io.github.medvp.data.transform.TemplateOffset;
import io.github.medvp.data.transform.ToRas;
import io.github.medvp.data.manifest.VolumeFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sample pipelines of the BrainMVP spec, built from the transforms of this package.
 */
public final class Pipelines {

    /** BrainMVP's crop edge (96³). */
    public static final int CROP = 96;

    private Pipelines() {
    }

    /**
     * Pre-training (the {@code train_transforms} of the BrainMVP reference's {@code utils/data_utils.py}
     * {@code get_loader}): {@code k} modalities sub-sampled before anything is read, loaded, RAS, 1 mm, symmetric
     * foreground crop, per-channel 5–95 percentile scaling with clipping, symmetric foreground crop again, frame
     * recorded ({@code new_dim}), one random {@code crop}³ crop, zero-padded to {@code crop}³, and {@code rep_start}
     * against the {@code template} grid. No flips or intensity augmentation.
     */
    public static Compose brainMvpPretraining(int k, int crop, int[] template) {
        return Compose.of(new ModalitySubsample(k), new LoadStudy(false), new ToRas(), new ResampleSpacing(1, 1, 1),
                new CenterCropForeground(), new PercentileScale(5, 95, true), new CenterCropForeground(),
                TemplateOffset.recordFrame(), new RandomCrop(crop, crop, crop), new PadTo(crop, crop, crop),
                TemplateOffset.repStart(template));
    }

    /** {@link #brainMvpPretraining(int, int, int[])} with the reference settings: 4 channels, 96³, SRI24. */
    public static Compose brainMvpPretraining() {
        return brainMvpPretraining(4, CROP, TemplateOffset.SRI24);
    }

    /**
     * MG-3D's CT preprocessing (CT-RATE; {@code BaseDataset.get_raw_image} of the reference's
     * {@code mg3d/datasets/base_dataset.py} on CT-CLIP's preprocessed volumes): RAS, trilinear resampling to
     * {@code spacing} (0.75 × 0.75 × 1.5 mm), the HU {@code window} ([−1000, 1000]) mapped to [0, 1], the centre crop
     * of {@link CenterCropRatio#MG3D}, trilinear resize to {@code size} (128 × 96 × 128). Input: a sample of
     * {@link VolumeFiles#load} (values in HU).
     *
     * @param spacing target spacing (X, Y, Z) in mm
     * @param window HU window {lower, upper}
     * @param size output grid (X, Y, Z)
     * @return the pipeline
     */
    public static Compose mg3dCt(double[] spacing, double[] window, int[] size) {
        return Compose.of(new ToRas(), new ResampleSpacing(spacing), new HounsfieldWindow(window[0], window[1]),
                new CenterCropRatio(CenterCropRatio.MG3D), new ResizeTo(size));
    }

    /** @return MG-3D's CT spacing in mm, 0.75 × 0.75 × 1.5 (CT-CLIP's, which MG-3D reuses); a fresh array */
    public static double[] mg3dCtSpacing() {
        return new double[] {0.75, 0.75, 1.5};
    }

    /** {@link #mg3dCt(double[], double[], int[])} with MG-3D's settings. */
    public static Compose mg3dCt() {
        return mg3dCt(mg3dCtSpacing(), HounsfieldWindow.DEFAULT, ResizeTo.MG3D);
    }

    /**
     * MRI inputs for an MG-3D encoder (no HU scale): RAS, resampling to {@code spacing}, 0.5–99.5 percentile scaling
     * to [0, 1] with clipping, trilinear resize to {@code size}; no crop (the CT crop assumes a chest field of view).
     *
     * @param spacing target spacing (X, Y, Z) in mm
     * @param size output grid (X, Y, Z)
     * @return the pipeline
     */
    public static Compose mg3dMri(double[] spacing, int[] size) {
        return Compose.of(new ToRas(), new ResampleSpacing(spacing), new PercentileScale(0.5, 99.5, true),
                new ResizeTo(size));
    }

    /**
     * Step 1 of the spec: each study's channel order shuffled once for the whole run (seeded).
     */
    public static List<Study> shuffleChannelOrder(List<Study> studies, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Study> out = new ArrayList<>(studies.size());
        for (Study s : studies) {
            List<Study.Channel> c = new ArrayList<>(s.channels());
            int[] p = StudyManifest.permutation(c.size(), rng);
            List<Study.Channel> shuffled = new ArrayList<>(c.size());
            for (int i : p) {
                shuffled.add(c.get(i));
            }
            out.add(s.withChannels(shuffled));
        }
        return out;
    }

    /**
     * Segmentation fine-tuning, training ({@code custom_transform(mode='train')} of the BrainMVP reference's
     * {@code Downstream/dataset/transforms.py}): task modalities, load with label, the task intensity rule
     * ({@code intensity}: 5–95 percentile scaling without clipping for MRI, the HU window for CT; before
     * reorientation, as the reference), RAS, 1 mm (label nearest), foreground crop with margin 1,
     * random {@code crop}³ crop (a share {@code labelCentred} of them centred on a labelled voxel, 0 in the reference),
     * zero pad, flips with p = 0.5 ({@code flips}: of all three axes together as the reference, or of each axis),
     * intensity shift and scale U(−0.1, 0.1), label to regions.
     */
    public static Compose segmentationTraining(List<Modality> modalities, ModalityIntensity intensity, int crop,
            double labelCentred, LabelToRegions regions, RandomFlip.Mode flips) {
        return Compose.of(segmentationPrefix(modalities, intensity),
                RandomCrop.towardsLabel(labelCentred, crop, crop, crop),
                new PadTo(crop, crop, crop),
                new RandomFlip(0.5, flips), RandomIntensity.shift(0.1), RandomIntensity.scale(0.1), regions);
    }

    /**
     * {@link #segmentationTraining(List, ModalityIntensity, int, double, LabelToRegions, RandomFlip.Mode)} that also
     * records where each
     * crop lies in a template grid, for template replacement at fine-tuning time: the frame is recorded after
     * resampling (the whole 1 mm RAS volume, assumed centred in the template grid as in pre-training, so a study on
     * the SRI24 grid maps one to one) and {@code rep_start} after the crop and padding, before the flips (which the
     * affine records); the intensity augmentation is recorded too ({@link RandomIntensity#AFFINE}).
     */
    public static Compose segmentationTraining(List<Modality> modalities, ModalityIntensity intensity, int crop,
            double labelCentred, LabelToRegions regions, RandomFlip.Mode flips, int[] templateGrid) {
        return Compose.of(gridPrefix(modalities, intensity, true), TemplateOffset.recordFrame(), new CropForeground(1),
                RandomCrop.towardsLabel(labelCentred, crop, crop, crop), new PadTo(crop, crop, crop),
                TemplateOffset.repStart(templateGrid), new RandomFlip(0.5, flips), RandomIntensity.shift(0.1),
                RandomIntensity.scale(0.1), regions);
    }

    /**
     * Classification fine-tuning, training: the segmentation steps without label map (the class comes from the
     * study), random {@code crop}³ crop, zero pad, flips ({@code flips}) and intensity augmentation.
     */
    public static Compose classificationTraining(List<Modality> modalities, ModalityIntensity intensity, int crop,
            RandomFlip.Mode flips) {
        return Compose.of(gridPrefix(modalities, intensity, false), new CropForeground(1),
                new RandomCrop(crop, crop, crop),
                new PadTo(crop, crop, crop), new RandomFlip(0.5, flips), RandomIntensity.shift(0.1),
                RandomIntensity.scale(0.1));
    }

    /**
     * {@link #classificationTraining(List, ModalityIntensity, int, RandomFlip.Mode)} recording each crop's place in a
     * template grid (as {@link #segmentationTraining(List, ModalityIntensity, int, double, LabelToRegions,
     * RandomFlip.Mode, int[])} does), for template replacement.
     */
    public static Compose classificationTraining(List<Modality> modalities, ModalityIntensity intensity, int crop,
            RandomFlip.Mode flips, int[] templateGrid) {
        return Compose.of(gridPrefix(modalities, intensity, false), TemplateOffset.recordFrame(), new CropForeground(1),
                new RandomCrop(crop, crop, crop), new PadTo(crop, crop, crop), TemplateOffset.repStart(templateGrid),
                new RandomFlip(0.5, flips), RandomIntensity.shift(0.1), RandomIntensity.scale(0.1));
    }

    /** Classification validation and inference: {@link #classificationTraining} with a centre crop, no augmentation. */
    public static Compose classificationEvaluation(List<Modality> modalities, ModalityIntensity intensity, int crop) {
        return Compose.of(gridPrefix(modalities, intensity, false), new CropForeground(1),
                new CenterCrop(crop, crop, crop),
                new PadTo(crop, crop, crop));
    }

    /** Segmentation validation and test: the deterministic steps of {@link #segmentationTraining}, no crop. */
    public static Compose segmentationEvaluation(List<Modality> modalities, ModalityIntensity intensity,
            LabelToRegions regions) {
        return Compose.of(segmentationPrefix(modalities, intensity), regions);
    }

    /**
     * One loaded volume made ready for an encoder (feature extraction): the deterministic intensity and geometry
     * steps of {@link #segmentationEvaluation} without label or foreground crop — the task intensity rule by the
     * sample's modalities ({@link ModalityIntensity}: 5–95 percentile scaling without clipping for MRI and unnamed
     * channels, the HU window for CT), RAS, 1 mm — then symmetric zero padding up to the next multiple of
     * {@code multiple} on every axis (the affine follows the padding).
     *
     * @param s a loaded sample
     * @param intensity the intensity rule
     * @param multiple e.g. 32 for the four stride-2 stages of UniFormer
     * @return the prepared sample
     */
    public static Sample encoderInput(Sample s, ModalityIntensity intensity, int multiple) {
        Sample r = Compose.of(intensity, new ToRas(), new ResampleSpacing(1, 1, 1))
                .apply(s, new SplittableRandom(0)); // deterministic steps: the generator is never used
        int[] d = r.shape();
        int[] size = new int[3];
        for (int a = 0; a < 3; a++) {
            size[a] = (d[a] + multiple - 1) / multiple * multiple;
        }
        return new PadTo(size).apply(r, null);
    }

    /**
     * The intensity rule of fine-tuning and inference with MG-3D's default CT window, one definition for both
     * ({@link ModalityIntensity}): MRI channels get per-channel 5–95 percentile scaling without clipping, as
     * BrainMVP's downstream code ({@code Downstream/dataset/transforms.py}); CT channels the HU window [−1000, 1000]
     * mapped to [0, 1] with clipping, as MG-3D. Clipping MRI to [0, 1] as pre-training does ({@code get_loader} in
     * {@code utils/data_utils.py}) was measured on the demo and was not better: the tumour's bright parts lose their
     * contrast and a template-filled modality then drags the prediction down (held-out Dice with t2 filled 0.29
     * unclipped, 0.04 clipped).
     */
    public static ModalityIntensity taskIntensity() {
        return ModalityIntensity.DEFAULT;
    }

    private static Compose segmentationPrefix(List<Modality> modalities, ModalityIntensity intensity) {
        return Compose.of(gridPrefix(modalities, intensity, true), new CropForeground(1));
    }

    /**
     * Task modalities loaded without the label map, the task intensity rule, RAS, 1 mm: the grid and intensities
     * every fine-tuning crop and every inference start from.
     */
    public static Compose taskGrid(List<Modality> modalities, ModalityIntensity intensity) {
        return gridPrefix(modalities, intensity, false);
    }

    /** Task modalities loaded, the task intensity rule (by modality), RAS, 1 mm. */
    private static Compose gridPrefix(List<Modality> modalities, ModalityIntensity intensity, boolean label) {
        return Compose.of(new SelectModalities(modalities), new LoadStudy(label), intensity,
                new ToRas(), new ResampleSpacing(1, 1, 1));
    }
}
