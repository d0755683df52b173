/**
 * What an MG-3D model does without fine-tuning: zero-shot classification from label prompts ({@link
 * io.github.medvp.tasks.mg3d.ZeroShot}) and report-to-volume and volume-to-report retrieval ({@link
 * io.github.medvp.tasks.mg3d.Retrieval}), both on the global embeddings of MG-3D's cross-modal alignment.
 */
package io.github.medvp.tasks.mg3d;
