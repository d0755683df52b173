package io.github.medvp.fiji.commands;

import io.github.medvp.train.Settings;
import io.github.medvp.fiji.CommandProgress;
import io.github.medvp.fiji.MedvpCommands;
import io.github.medvp.demo.PhantomGenerator;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes generated multi-modal brain MRI studies (and optionally head CT with reports) with {@link PhantomGenerator}:
 * data to try every MedVP pipeline on without downloading anything.
 */
@Plugin(type = Command.class, name = "demo-data", label = "Generate Demo Data",
        menuPath = "Plugins>MedVP>Generate Demo Data",
        description = "generated brain MRI studies with tumours and label maps, and head CT with reports")
public class GenerateDemoDataCommand extends ContextCommand {

    @Parameter(required = false)
    private StatusService status;

    @Parameter(required = false)
    private LogService log;

    @Parameter(label = "Output folder", style = "directory",
            description = "receives mri/, manifest.json, labels.csv and (with CT) ct/")
    private File output;

    @Parameter(label = "Studies", min = "1", required = false, description = "number of MRI studies")
    private int studies = 24;

    @Parameter(label = "Field of view (mm)", required = false,
            description = "X,Y,Z in mm; the head fills it (240,240,155 with isotropic=true gives BraTS-size volumes)")
    private String size = "64,64,56";

    @Parameter(label = "Isotropic 1 mm", required = false,
            description = "1 mm voxels instead of anisotropic 1.0-1.2 mm in-plane, 1.5-2.0 mm slices")
    private boolean isotropic = false;

    @Parameter(label = "Seed", required = false, description = "same seed, same files")
    private long seed = 7;

    @Parameter(label = "Modalities", required = false, description = "MRI channels among flair, t1, t1c, t2, pd")
    private String modalities = "flair,t1,t1c,t2,pd";

    @Parameter(label = "Non-RAS fraction", min = "0", max = "1", required = false,
            description = "share of files stored in LPS, LAS, sagittal or coronal orientation")
    private double non_ras = 0.5;

    @Parameter(label = "Healthy fraction", min = "0", max = "1", required = false,
            description = "share of MRI studies without tumour")
    private double healthy = 0;

    @Parameter(label = "BraTS 2023 labels", required = false, description = "enhancing tumour labelled 3 instead of 4")
    private boolean brats2023 = false;

    @Parameter(label = "Skull-stripped", required = false,
            description = "MRI as BraTS distributes it: 0 outside the brain (no scalp, skull or noise in the air)")
    private boolean skull_stripped = false;

    @Parameter(label = "Tumour mimics", required = false, description = "also draw healthy look-alikes of tumour: "
            + "white-matter hyperintensities (bright on T2/FLAIR) and the choroid plexus (enhancing on T1c)")
    private boolean mimics = false;

    @Parameter(label = "CT with reports", required = false,
            description = "also write head CT volumes with radiology reports (CT-RATE layout, for MG-3D)")
    private boolean ct = false;

    @Parameter(label = "CT volumes", min = "0", required = false, description = "0 for as many as MRI studies")
    private int ct_studies = 0;

    @Parameter(type = ItemIO.OUTPUT, label = "Summary")
    private String summary;

    @Override
    public void run() {
        int[] fov = Settings.ints("size", size, 3);
        // Checked even without ct=true: a wrong value is a mistake whether or not it is used.
        Settings.range("ct_studies", ct_studies, 0, 100_000);
        double[][] spacing = isotropic ? new double[][] { { 1, 1 }, { 1, 1 } }
                : new double[][] { { 1.0, 1.2 }, { 1.5, 2.0 } };
        PhantomGenerator generator = PhantomGenerator.builder().optStudies(studies).optSize(fov[0], fov[1], fov[2])
                .optSpacing(spacing[0], spacing[1]).optSeed(seed).optModalities(modalities)
                .optNonRasFraction(non_ras).optHealthyFraction(healthy).optBrats2023(brats2023)
                .optSkullStripped(skull_stripped).optMimics(mimics)
                .optCt(ct ? (ct_studies > 0 ? ct_studies : studies) : 0).build();
        try (CommandProgress progress = new CommandProgress(status, log, this)) {
            summary = generator.generate(output.toPath(), progress).summary();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
