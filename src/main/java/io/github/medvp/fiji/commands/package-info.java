/**
 * One thin SciJava {@link org.scijava.command.Command} per workflow: each maps its {@code @Parameter} fields into the
 * workflow's settings, calls one pipeline method and converts the outputs. Fine-tuning commands share their inputs
 * through {@link io.github.medvp.fiji.commands.FineTuneCommand}.
 */
package io.github.medvp.fiji.commands;
