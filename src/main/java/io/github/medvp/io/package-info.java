/**
 * Volume I/O, the bottom layer of MedVP: NIfTI-1/NIfTI-2 reading and writing ({@link io.github.medvp.io.NiftiReader},
 * {@link io.github.medvp.io.NiftiWriter}), the in-memory {@link io.github.medvp.io.Volume} with its
 * {@link io.github.medvp.io.Geometry}, reorientation to RAS ({@link io.github.medvp.io.Orientation}), resampling to a
 * target spacing ({@link io.github.medvp.io.Resample}), the SciJava {@link io.github.medvp.io.NiftiIOPlugin}, and the
 * {@link io.github.medvp.io.VolumeInspector} pipeline, plus DICOM series through ImageJ 1
 * ({@link io.github.medvp.io.DicomReader}) and the {@link io.github.medvp.io.IoBenchmark}.
 * <p>
 * Conventions follow nibabel wherever nibabel defines them (best affine, axis codes, closest canonical orientation,
 * scaling), so values computed here agree with what Python users of the same files see. Voxel axes are
 * X, Y, Z[, C[, T]] in the file's storage order. Nothing here depends on other MedVP packages.
 */
package io.github.medvp.io;
