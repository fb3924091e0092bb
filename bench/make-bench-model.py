#!/usr/bin/env python3
"""A BART sequence classifier with distilbart-mnli-12-1's exact shapes and random weights.

Speed depends on the architecture, not on the weights, so this stands in for the real model
(which cannot be downloaded here). Writes bench/models/distilbart-shaped/ with
config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx (fp32),
onnx/model_quantized.onnx (int8 weights: DynamicQuantizeLinear + MatMulInteger, as
ONNX Runtime's dynamic quantizer emits, and the word embedding as an int8 table with one
scale per row, dequantized after the Gather), each with its weights as external data
(model.onnx_data, model_quantized.onnx_data), and weights.pt (for the PyTorch seed path).

Run: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/make-bench-model.py
(Debian's python3-torch, python3-onnx, python3-numpy, libopenblas0-pthread).
"""
import json
import math
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper
from torch import nn

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "models", "distilbart-shaped")
CFG = dict(vocab_size=50265, d_model=1024, encoder_layers=12, decoder_layers=1, heads=16, ffn=4096,
           max_position_embeddings=1024, pad=1, bos=0, eos=2, decoder_start=2, labels=3)


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))

    def forward(self, x, kv, mask):
        b, t, d = x.shape
        s = kv.shape[1]
        q = (self.q(x) * self.dh ** -0.5).view(b, t, self.h, self.dh).transpose(1, 2)
        k = self.k(kv).view(b, s, self.h, self.dh).transpose(1, 2)
        v = self.v(kv).view(b, s, self.h, self.dh).transpose(1, 2)
        w = torch.softmax(q @ k.transpose(-1, -2) + mask, dim=-1)
        return self.o((w @ v).transpose(1, 2).reshape(b, t, d))


class Layer(nn.Module):
    """Post-LayerNorm BART layer; with cross attention in the decoder."""

    def __init__(self, d, heads, ffn, cross):
        super().__init__()
        self.self_attn, self.ln1 = Attention(d, heads), nn.LayerNorm(d)
        self.cross = Attention(d, heads) if cross else None
        self.ln_cross = nn.LayerNorm(d) if cross else None
        self.fc1, self.fc2, self.ln2 = nn.Linear(d, ffn), nn.Linear(ffn, d), nn.LayerNorm(d)

    def forward(self, x, self_mask, memory=None, memory_mask=None):
        x = self.ln1(x + self.self_attn(x, x, self_mask))
        if self.cross is not None:
            x = self.ln_cross(x + self.cross(x, memory, memory_mask))
        return self.ln2(x + self.fc2(nn.functional.gelu(self.fc1(x))))


class BartShapedClassifier(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["d_model"]
        self.embed = nn.Embedding(c["vocab_size"], d, padding_idx=c["pad"])
        self.enc_pos = nn.Embedding(c["max_position_embeddings"] + 2, d)
        self.dec_pos = nn.Embedding(c["max_position_embeddings"] + 2, d)
        self.enc_ln, self.dec_ln = nn.LayerNorm(d), nn.LayerNorm(d)
        self.encoder = nn.ModuleList(Layer(d, c["heads"], c["ffn"], False) for _ in range(c["encoder_layers"]))
        self.decoder = nn.ModuleList(Layer(d, c["heads"], c["ffn"], True) for _ in range(c["decoder_layers"]))
        self.dense, self.out = nn.Linear(d, d), nn.Linear(d, c["labels"])

    def forward(self, input_ids, attention_mask):
        b, t = input_ids.shape
        positions = torch.arange(t, device=input_ids.device).unsqueeze(0) + 2
        key_mask = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -1e9
        x = self.enc_ln(self.embed(input_ids) + self.enc_pos(positions))
        for layer in self.encoder:
            x = layer(x, key_mask)
        # Decoder input: the ids shifted right behind decoder_start_token_id, as BART does.
        dec_ids = torch.cat([torch.full_like(input_ids[:, :1], CFG["decoder_start"]), input_ids[:, :-1]], dim=1)
        causal = torch.triu(torch.full((t, t), -1e9), diagonal=1)[None, None]
        y = self.dec_ln(self.embed(dec_ids) + self.dec_pos(positions))
        for layer in self.decoder:
            y = layer(y, causal, x, key_mask)
        # The classification head reads the last </s>: with right padding, position len-1.
        last = attention_mask.to(torch.int64).sum(dim=1) - 1
        rep = y[torch.arange(b), last]
        return self.out(torch.tanh(self.dense(rep)))


def build():
    torch.manual_seed(20261125)
    model = BartShapedClassifier(CFG).eval()
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() > 1:
                p.normal_(0.0, 0.02)
    return model


def quantize_table(table, ids, out, nodes, g, done):
    """The word embedding as int8 with one scale per row, dequantized after the Gather: a
    quantizer of MatMuls only leaves Gather alone, and this 206 MB table in fp32 is what kept an int8
    classifier above 600 MB. The same rewrite as services/classifier/src/quantize-embedding.ts."""
    if table.name not in done:
        W = numpy_helper.to_array(table).astype(np.float32)
        scale = np.abs(W).max(axis=1, keepdims=True) / 127.0
        scale[scale == 0] = 1.0
        g.initializer.extend([
            numpy_helper.from_array(np.clip(np.round(W / scale), -127, 127).astype(np.int8), f"{table.name}_int8"),
            numpy_helper.from_array(scale.astype(np.float32), f"{table.name}_row_scale"),
        ])
        done.add(table.name)
    nodes += [
        helper.make_node("Gather", [f"{table.name}_int8", ids], [f"{out}_int8"], axis=0),
        helper.make_node("Gather", [f"{table.name}_row_scale", ids], [f"{out}_scale"], axis=0),
        helper.make_node("Cast", [f"{out}_int8"], [f"{out}_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", [f"{out}_float", f"{out}_scale"], [out]),
    ]


def word_embedding(g, inits):
    """The largest fp32 2-D table that only row-Gathers read (the position tables are small)."""
    readers = {}
    for node in g.node:
        for k, name in enumerate(node.input):
            if name in inits:
                axis = next((a.i for a in node.attribute if a.name == "axis"), 0)
                readers.setdefault(name, []).append(node.op_type == "Gather" and k == 0 and axis == 0)
    tables = [inits[n] for n, rows in readers.items()
              if all(rows) and len(inits[n].dims) == 2 and inits[n].data_type == TensorProto.FLOAT]
    return max(tables, key=lambda t: t.dims[0] * t.dims[1], default=None)


def quantize(src, dst):
    """Dynamic int8 quantization of every MatMul with a constant 2-D weight, and of the
    word embedding's Gather."""
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    nodes = []
    tables = set()
    embedding = word_embedding(g, inits)
    for node in g.node:
        if embedding is not None and node.op_type == "Gather" and node.input[0] == embedding.name:
            quantize_table(embedding, node.input[1], node.output[0], nodes, g, tables)
            continue
        w = inits.get(node.input[1]) if node.op_type == "MatMul" else None
        if w is None or len(w.dims) != 2:
            nodes.append(node)
            continue
        W = numpy_helper.to_array(w).astype(np.float32)
        scale = float(np.abs(W).max()) / 127.0 or 1.0
        base = node.output[0]
        g.initializer.extend([
            numpy_helper.from_array(np.clip(np.round(W / scale), -127, 127).astype(np.int8), f"{w.name}_q"),
            numpy_helper.from_array(np.array(scale, np.float32), f"{w.name}_scale"),
            numpy_helper.from_array(np.array(0, np.int8), f"{w.name}_zp"),
        ])
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [node.input[0]], [f"{base}_aq", f"{base}_as", f"{base}_az"]),
            helper.make_node("MatMulInteger", [f"{base}_aq", f"{w.name}_q", f"{base}_az", f"{w.name}_zp"], [f"{base}_i32"]),
            helper.make_node("Cast", [f"{base}_i32"], [f"{base}_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [f"{base}_as", f"{w.name}_scale"], [f"{base}_s"]),
            helper.make_node("Mul", [f"{base}_f", f"{base}_s"], [base]),
        ]
    del g.node[:]
    g.node.extend(nodes)
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    save_external(m, dst)


def save_external(model, path):
    """Weights beside the graph (<file>_data): ONNX Runtime maps them instead of copying a
    protobuf, which roughly halves a classifier's peak memory while loading."""
    onnx.save(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
              location=os.path.basename(path) + "_data")


def write_single_file_copy(model, out):
    """@xenova/transformers 2.x cannot read external data; its comparison loads this copy."""
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    onnx.save(model, os.path.join(out, "onnx", "model.onnx"))
    tok, tok_cfg = tokenizer_files()
    for name, obj in [("tokenizer.json", tok), ("tokenizer_config.json", tok_cfg), ("config.json", config_json())]:
        with open(os.path.join(out, name), "w") as f:
            json.dump(obj, f)


def config_json(external=False):
    config = {
        "_tidings_note": "random weights with distilbart-mnli-12-1's shapes: for benchmarks only",
        "model_type": "bart", "architectures": ["BartForSequenceClassification"],
        "id2label": {"0": "contradiction", "1": "neutral", "2": "entailment"},
        "label2id": {"contradiction": 0, "neutral": 1, "entailment": 2},
        "vocab_size": CFG["vocab_size"], "d_model": CFG["d_model"], "encoder_layers": CFG["encoder_layers"],
        "decoder_layers": CFG["decoder_layers"], "encoder_attention_heads": CFG["heads"],
        "decoder_attention_heads": CFG["heads"], "encoder_ffn_dim": CFG["ffn"], "decoder_ffn_dim": CFG["ffn"],
        "activation_function": "gelu", "max_position_embeddings": CFG["max_position_embeddings"],
        "bos_token_id": 0, "pad_token_id": 1, "eos_token_id": 2, "decoder_start_token_id": 2,
    }
    if external:
        config["transformers.js_config"] = {"use_external_data_format": True}
    return config


def tokenizer_files():
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    words = ["this", "example", "is", ".", "crypto", "sec", "dividend", "economics", "oil", "or", "gas", "ipo",
             "politics", "buffet", "stock", "other"]
    vocab = {t: i for i, t in enumerate(specials + words)}
    i = len(vocab)
    while i < CFG["vocab_size"]:
        vocab[f"w{i}"] = i
        i += 1
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": False, "special": True} for i, t in enumerate(specials)],
        "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                           "trim_offsets": True, "add_prefix_space": False},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "<unk>", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }
    tok_cfg = {"tokenizer_class": "BartTokenizer", "model_max_length": 1024, "bos_token": "<s>", "eos_token": "</s>",
               "sep_token": "</s>", "cls_token": "<s>", "unk_token": "<unk>", "pad_token": "<pad>"}
    return tok, tok_cfg


def main():
    os.makedirs(os.path.join(OUT, "onnx"), exist_ok=True)
    model = build()
    torch.save(model.state_dict(), os.path.join(OUT, "weights.pt"))
    ids = torch.tensor([[0, 50, 60, 2, 2, 4, 5, 6, 2], [0, 70, 2, 2, 4, 5, 2, 1, 1]])
    mask = (ids != 1).to(torch.int64)
    fp32 = os.path.join(OUT, "onnx", "model.onnx")
    torch.onnx.export(model, (ids, mask), fp32, input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                    "logits": {0: "batch"}}, opset_version=14, do_constant_folding=True)
    write_single_file_copy(onnx.load(fp32), OUT + "-single")
    save_external(onnx.load(fp32), fp32)
    quantize(fp32, os.path.join(OUT, "onnx", "model_quantized.onnx"))
    tok, tok_cfg = tokenizer_files()
    config = config_json(external=True)
    for name, obj in [("tokenizer.json", tok), ("tokenizer_config.json", tok_cfg), ("config.json", config)]:
        with open(os.path.join(OUT, name), "w") as f:
            json.dump(obj, f)
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"out": OUT, "parameters": params}))


if __name__ == "__main__":
    main()
