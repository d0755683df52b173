/**
 * MedVP: 3D medical vision pre-training (BrainMVP, MG-3D) for Fiji. This package holds the few types every layer
 * shares: {@link io.github.medvp.MedvpException} for errors users can fix and {@link io.github.medvp.Progress}.
 */
package io.github.medvp;
