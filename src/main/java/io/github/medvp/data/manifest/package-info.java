/**
 * Which studies there are: {@link io.github.medvp.data.manifest.StudyManifest} of {@link
 * io.github.medvp.data.manifest.Study} records, read from the reference JSON lists, MONAI datalists or a folder
 * ({@link io.github.medvp.data.manifest.FolderDiscovery}), split and subset under a seed, checked once from headers by
 * {@link io.github.medvp.data.manifest.ManifestValidator}; the eight {@link io.github.medvp.data.manifest.Modality}s in
 * template order and the names and aliases that map to them ({@link io.github.medvp.data.manifest.ModalityNames}).
 */
package io.github.medvp.data.manifest;
