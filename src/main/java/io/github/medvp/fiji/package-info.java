/**
 * Fiji's side of MedVP: one thin SciJava {@link org.scijava.command.Command} per workflow, the adapter from
 * {@link io.github.medvp.Progress} to SciJava's status and log services, and the {@code ./medvp} launcher that
 * runs the same commands headlessly with the same inputs as the menu, macros and Fiji's {@code --run}.
 * <p>
 * A command only converts inputs, calls one pipeline method and converts outputs; pipelines never touch UI
 * classes. Each command's plugin {@code name} is its short name on the command line ({@code inspect}), its
 * {@code label} the title Fiji's {@code --run} and the menu use ({@code MedVP Inspect Volume}).
 */
package io.github.medvp.fiji;
