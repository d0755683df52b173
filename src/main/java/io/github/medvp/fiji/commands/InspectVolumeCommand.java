package io.github.medvp.fiji.commands;

import io.github.medvp.fiji.ImagePlusVolumes;
import ij.ImagePlus;
import io.github.medvp.MedvpException;
import io.github.medvp.io.VolumeInspector;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Prints what MedVP reads from a volume: shape, datatype, geometry, statistics and chosen voxel values. Takes a
 * file, or else the image open in Fiji (with its calibration, through {@link ImagePlusVolumes}).
 */
@Plugin(type = Command.class, name = "inspect", label = "MedVP Inspect Volume",
        menuPath = "Plugins>MedVP>Inspect Volume",
        description = "shape, datatype, spacing, affine, axis codes, statistics and voxel values of a NIfTI file "
                + "or of the open image")
public class InspectVolumeCommand implements Command {

    @Parameter(label = "Volume file", style = "open", required = false,
            description = "NIfTI-1/2 file (.nii, .nii.gz, .hdr/.img) or DICOM; empty to inspect the open image")
    private File file;

    // Filled by Fiji (and by the macro bridge) with the active image; used when no file is given.
    @Parameter(required = false)
    private ImagePlus image;

    @Parameter(label = "Reorient to RAS", required = false,
            description = "report everything after reorientation to the closest canonical RAS orientation")
    private boolean ras = false;

    @Parameter(label = "Format", choices = {"text", "json"}, required = false)
    private String format = "text";

    @Parameter(label = "Voxel indices", required = false,
            description = "values to print, as i,j,k[,t] separated by semicolons, e.g. 10,20,30;0,0,0")
    private String index = "";

    @Parameter(type = ItemIO.OUTPUT, label = "Volume report")
    private String report;

    @Override
    public void run() {
        try {
            VolumeInspector.Report r;
            if (file != null && !file.getPath().isEmpty()) {
                r = VolumeInspector.inspect(file.toPath(), ras, index == null ? "" : index);
            } else if (image != null) {
                r = VolumeInspector.inspect(ImagePlusVolumes.toVolume(image), image.getTitle(), ras,
                        VolumeInspector.parseIndices(index));
            } else {
                throw new MedvpException("file: give a volume file or open an image first");
            }
            report = "json".equals(format) ? r.toJson() : r.toText();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
