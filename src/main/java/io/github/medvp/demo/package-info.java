/**
 * Demo data and the one-command demo: {@link io.github.medvp.demo.PhantomGenerator} writes deterministic,
 * realistic-looking multi-modal brain MRI studies with tumours, BraTS-style label maps and grade labels, and head
 * CT volumes with radiology reports (CT-RATE layout), as real NIfTI files with correct affines, so every MedVP
 * pipeline can be tried without downloading anything.
 */
package io.github.medvp.demo;
