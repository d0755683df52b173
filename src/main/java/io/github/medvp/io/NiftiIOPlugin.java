package io.github.medvp.io;

import java.io.IOException;

import org.scijava.io.AbstractIOPlugin;
import org.scijava.io.IOPlugin;
import org.scijava.io.location.FileLocation;
import org.scijava.io.location.Location;
import org.scijava.plugin.Plugin;

/**
 * Lets SciJava's {@code IOService} open NIfTI files ({@code .nii}, {@code .nii.gz}, {@code .hdr}, {@code .img},
 * gzipped pair parts) as {@link Volume}s and save volumes to those names.
 */
@Plugin(type = IOPlugin.class)
public class NiftiIOPlugin extends AbstractIOPlugin<Volume> {

    @Override
    public Class<Volume> getDataType() {
        return Volume.class;
    }

    @Override
    public boolean supportsOpen(Location source) {
        return source instanceof FileLocation && NiftiReader.isNiftiName(source.getName());
    }

    @Override
    public boolean supportsSave(Location destination) {
        return supportsOpen(destination);
    }

    @Override
    public boolean supportsSave(Object data, Location destination) {
        return data instanceof Volume && supportsSave(destination);
    }

    @Override
    public Volume open(Location source) throws IOException {
        if (!supportsOpen(source)) {
            throw new IOException(source + ": not a NIfTI file");
        }
        return NiftiReader.read(((FileLocation) source).getFile().toPath());
    }

    @Override
    public void save(Volume data, Location destination) throws IOException {
        if (!supportsSave(destination)) {
            throw new IOException(destination + ": not a NIfTI file name");
        }
        NiftiWriter.write(data, ((FileLocation) destination).getFile().toPath());
    }
}
