/**
 * The ImageJ update site written by {@code mvn -Pupdate-site package} ({@link io.github.medvp.fiji.site.UpdateSite},
 * checksums as the ImageJ updater computes them in {@link io.github.medvp.fiji.site.UpdaterChecksum}); what the site
 * is and how to publish it: the repository's {@code update-site/} folder.
 */
package io.github.medvp.fiji.site;
