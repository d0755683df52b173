/**
 * MG-3D's BERT text encoder: {@link io.github.medvp.nn.bert.BertEncoder} with {@link
 * io.github.medvp.nn.bert.BertEmbeddings} and {@link io.github.medvp.nn.bert.BertLayer}, sizes in {@link
 * io.github.medvp.nn.bert.BertConfig}, the MLM head {@link io.github.medvp.nn.bert.BertMlmHead}, and Hugging Face
 * model folders through {@link io.github.medvp.nn.bert.HfBert}.
 */
package io.github.medvp.nn.bert;
