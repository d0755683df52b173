/**
 * MG-3D's vision-language blocks (the reference's {@code mg3d/models/mg3d_module.py} and
 * {@code prediction_heads.py}): the CrossGate fusion and its one-directional gate, the CLIP-style attention pool, the
 * ITC projection heads, the sentence-pooler MLP and the MIM volume decoder.
 */
package io.github.medvp.nn.fusion;
