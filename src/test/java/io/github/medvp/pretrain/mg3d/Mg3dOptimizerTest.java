package io.github.medvp.pretrain.mg3d;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.medvp.engine.Engines;
import io.github.medvp.train.Adam;
import io.github.medvp.train.NamedParameters;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The learning-rate groups against the reference's rule ({@code set_schedule} in {@code mg3d/models/mg3d_utils.py}):
 * ×5 for a parameter whose name contains one of its {@code head_names} or {@code multi_modal}, the base rate
 * otherwise. The table maps every MedVP module to the module of {@code MG3DTransformerSS} ({@code mg3d_module.py}) it
 * implements; the expected factor is the rule applied to that name here, not taken from the code under test.
 */
class Mg3dOptimizerTest {

    /** The reference's {@code head_names} and {@code multi_modal_names}, as in {@code set_schedule}. */
    static final List<String> HEAD_NAMES = List.of("mlm_head", "mim_head", "mim_swin_unter_head", "itm_head",
            "itc_head", "itc_agg_head", "ir_head", "vqa_head", "cls_head", "irtr_head", "mlc_head", "clm_head");
    static final List<String> MULTI_MODAL_NAMES = List.of("multi_modal", "pseudo");

    /** MedVP module → reference module. */
    static final Map<String, String> TABLE = Map.ofEntries(
            Map.entry("vision_encoder", "vision_encoder"),
            Map.entry("text_encoder", "language_encoder"),
            Map.entry("cross_modal_image_transform", "multi_modal_vision_proj"),
            Map.entry("cross_modal_text_transform", "multi_modal_language_proj"),
            Map.entry("token_type_embeddings", "modality_type_embeddings"),
            Map.entry("local_text_cross_0", "local_text_cross_multihead_attention.0"),
            Map.entry("local_text_cross_1", "local_text_cross_multihead_attention.1"),
            Map.entry("local_img_cross_0", "local_img_cross_multihead_attention.0"),
            Map.entry("local_img_cross_1", "local_img_cross_multihead_attention.1"),
            Map.entry("agg_img_cross_attention_0", "agg_img_cross_attention.0"),
            Map.entry("agg_img_cross_attention_1", "agg_img_cross_attention.1"),
            Map.entry("mlm_head", "mlm_head"),
            Map.entry("mlm_head_fc", "mlm_head.fc"),
            Map.entry("uni_emd_sen", "uni_emd_sen"),
            Map.entry("mim_head", "mim_swin_unter_head"),
            Map.entry("uni_image_pooler", "uni_modal_vision_pooler"),
            Map.entry("multi_image_pooler", "multi_modal_vision_pooler"),
            Map.entry("uni_global_text_attention", "uni_global_text_attention"),
            Map.entry("multi_global_text_attention", "multi_global_text_attention"),
            Map.entry("swin_att_pooler", "multi_modal_agg_vision_pooler"),
            Map.entry("sentence_pooler", "multi_modal_sen_vision_pooler"),
            Map.entry("itc_cross_head_vision", "itc_cross_head.vision"),
            Map.entry("itc_cross_head_language", "itc_cross_head.language"),
            Map.entry("itc_agg_head_vision", "itc_agg_head.vision"),
            Map.entry("itc_agg_head_language", "itc_agg_head.language"),
            Map.entry("itc_image_head", "itc_head.vision"),
            Map.entry("itc_text_head", "itc_head.language"));

    static boolean referenceRule(String referenceName) {
        return HEAD_NAMES.stream().anyMatch(referenceName::contains)
                || MULTI_MODAL_NAMES.stream().anyMatch(referenceName::contains);
    }

    @Test
    void everyParameterTrainsAtTheRateTheReferenceGivesItsModule() {
        Engines.pytorch();
        for (CmlMode cml : CmlMode.values()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Mg3dModel model = Mg3dSynthetic.smallModel().optCml(cml).build();
                model.initialize(manager, DataType.FLOAT32, new Shape(2, 1, 32, 32, 32),
                        new Shape(2, Mg3dSynthetic.LENGTH));
                NamedParameters params = model.namedParameters();
                Set<String> modules = new HashSet<>();
                try (Adam adam = Mg3dOptimizer.create(params, 1e-8, 5)) {
                    Map<String, String> groups = adam.groupAssignment();
                    for (NamedParameters.Entry e : params.trainable()) {
                        String module = e.name().contains(".") ? e.name().substring(0, e.name().indexOf('.'))
                                : e.name();
                        modules.add(module);
                        String ref = TABLE.get(module);
                        assertTrue(ref != null, "module " + module + " is not in the table: place it");
                        assertEquals(ref, Mg3dOptimizer.referenceModule(e.name()), e.name());
                        boolean fast = groups.get(e.name()).startsWith("fast");
                        assertEquals(referenceRule(ref), fast, e.name() + " (reference " + ref + ") in group "
                                + groups.get(e.name()));
                    }
                }
                // The ones the issue names: heads and multi_modal ×5, the fusion gates at the base rate.
                for (String m : List.of("cross_modal_image_transform", "cross_modal_text_transform",
                        "multi_image_pooler", "swin_att_pooler", "sentence_pooler", "mlm_head", "mim_head",
                        "itc_agg_head_vision", "itc_agg_head_language")) {
                    assertTrue(referenceRule(TABLE.get(m)), m);
                }
                for (String m : List.of("local_text_cross_0", "local_img_cross_1", "agg_img_cross_attention_0",
                        "uni_image_pooler", "itc_cross_head_vision", "vision_encoder")) {
                    assertTrue(!referenceRule(TABLE.get(m)), m);
                }
                assertTrue(modules.contains(cml == CmlMode.JOINT ? "itc_cross_head_language" : "itc_text_head"));
            }
        }
    }
}
