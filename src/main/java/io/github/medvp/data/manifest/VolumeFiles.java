package io.github.medvp.data.manifest;

import io.github.medvp.data.Sample;
import io.github.medvp.data.Volumes;
import io.github.medvp.MedvpException;
import io.github.medvp.io.NiftiReader;
import io.github.medvp.io.Volume;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Loads a single-channel volume that is not part of a {@link Study} (MG-3D's CT volumes) as a {@link Sample}. */
public final class VolumeFiles {

    private VolumeFiles() {
    }

    /**
     * @param file a NIfTI file with one 3D volume
     * @return its scaled values (Hounsfield units for CT: {@code scl_slope}·raw + {@code scl_inter}) as one unnamed
     *     channel, with shape and geometry
     * @throws MedvpException when the file cannot be read or is not 3D
     */
    public static Sample load(Path file) {
        Volume v;
        try {
            v = NiftiReader.read(file);
        } catch (IOException e) {
            throw new MedvpException("cannot read volume " + file + ": " + e.getMessage(), e);
        }
        if (Volumes.volumes(v) != 1) {
            throw new MedvpException("volume " + file + " has " + Volumes.volumes(v) + " volumes; MG-3D needs one 3D "
                    + "volume per report");
        }
        return new Sample(null, Volumes.shape(v), new float[][] {Volumes.take(v)}, List.of(), null, v.geometry(),
                Map.of("file", file.toString()));
    }
}
