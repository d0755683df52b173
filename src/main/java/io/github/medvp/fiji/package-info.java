/**
 * Fiji's side of MedVP: one thin SciJava {@link org.scijava.command.Command} per workflow, and the machinery that
 * makes every command reachable the same way from the menu, from ImageJ macros and headless.
 * <ul>
 * <li>{@link io.github.medvp.fiji.CommandProgress}: {@link io.github.medvp.Progress} over SciJava's status, log and
 * task services, with an ETA and cancel (command or task monitor).</li>
 * <li>{@link io.github.medvp.fiji.Launcher}: {@code ./medvp <name> key=value} and Fiji's {@code --run} form.</li>
 * <li>{@link io.github.medvp.fiji.MacroBridge}: each command as an ImageJ 1 command
 * {@code "<title> (macro)"} taking recorded option strings; {@link io.github.medvp.fiji.PluginsConfig} writes its
 * {@code plugins.config} from the plugin index at build time.</li>
 * <li>{@link io.github.medvp.fiji.ResultViews}: label overlays, template stacks, curves and results tables.</li>
 * <li>{@link io.github.medvp.fiji.site.UpdateSite} and {@link io.github.medvp.fiji.site.UpdaterChecksum}: the ImageJ update
 * site written by {@code mvn -Pupdate-site package}.</li>
 * </ul>
 * A command only converts inputs, calls one pipeline method and converts outputs; pipelines never touch UI
 * classes. Each command's plugin {@code name} is its short name on the command line ({@code inspect}), its
 * {@code label} the title Fiji's {@code --run} and the menu use ({@code MedVP Inspect Volume}).
 */
package io.github.medvp.fiji;
