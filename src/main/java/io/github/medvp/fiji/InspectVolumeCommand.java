package io.github.medvp.fiji;

import io.github.medvp.io.VolumeInspector;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Prints what MedVP reads from a volume file: shape, datatype, geometry, statistics and chosen voxel values. */
@Plugin(type = Command.class, name = "inspect", label = "MedVP Inspect Volume",
        menuPath = "Plugins>MedVP>Inspect Volume",
        description = "shape, datatype, spacing, affine, axis codes, statistics and voxel values of a NIfTI file")
public class InspectVolumeCommand implements Command {

    @Parameter(label = "Volume file", description = "NIfTI-1/2 file: .nii, .nii.gz, .hdr/.img")
    private File file;

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
            VolumeInspector.Report r = VolumeInspector.inspect(file.toPath(), ras, index == null ? "" : index);
            report = "json".equals(format) ? r.toJson() : r.toText();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
