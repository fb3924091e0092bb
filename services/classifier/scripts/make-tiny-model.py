#!/usr/bin/env python3
"""Build tidings' tiny keyword NLI model: a test and demo model, never a production default.

It has the interface of a BART MNLI sequence classifier (input_ids, attention_mask ->
logits over contradiction/neutral/entailment) so the unchanged transformers.js code loads
and runs it, but its "understanding" is a bag of keywords: every keyword token embeds to
its topic's axis, the premise is everything before the first separator token, the
hypothesis everything after, and the entailment logit is the dot product of the two sums.
An article with no keyword entails only "Other", through a bias carried by <s>.

Run with Debian's python3-onnx:  /usr/bin/python3 services/classifier/scripts/make-tiny-model.py [OUT] [--slow]

--slow writes the same model plus a block of matrix products whose result is multiplied by
zero: identical answers, but each forward pass takes long enough (hundreds of ms) for the
fault suite to kill a worker in the middle of a job.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
SLOW = "--slow" in sys.argv
OUT = ARGS[0] if ARGS else os.path.join(os.path.dirname(__file__), "..", "models", "tiny-nli-slow" if SLOW else "tiny-nli")
SLOW_LAYERS, SLOW_ROWS, SLOW_WIDTH = 24, 256, 512
MAX_LENGTH = 128
SCALE = 2.0

# Topic axis -> keywords. A label's own words ("oil", "gas", "buffet") are keywords of its
# axis, which is what makes the hypothesis "This example is Oil or Gas." point at it.
TOPICS = {
    "crypto": ["crypto", "cryptocurrency", "cryptocurrencies", "bitcoin", "ether", "ethereum",
               "blockchain", "stablecoin", "coinbase", "token", "tokens", "solana", "dogecoin"],
    "sec": ["sec", "securities", "commission", "charges", "charged", "settle", "settlement",
            "fraud", "enforcement", "regulator", "regulators", "lawsuit", "subpoena"],
    "dividend": ["dividend", "dividends", "payout", "payouts", "income", "distribution"],
    "economics": ["economics", "economy", "economic", "inflation", "fed", "rates", "rate", "gdp",
                  "jobs", "unemployment", "treasury", "yields", "yield", "consumption",
                  "expenditures", "price", "index", "recession", "cpi", "pce", "payrolls"],
    "oil": ["oil", "gas", "crude", "opec", "brent", "barrel", "barrels", "petroleum", "lng",
            "gasoline", "exxon", "chevron", "drilling", "refinery"],
    "ipo": ["ipo", "ipos", "debut", "initial", "public", "offering", "listing", "spac"],
    "politics": ["politics", "political", "senate", "congress", "republicans", "democrats",
                 "lawmakers", "vote", "election", "president", "white", "legislation", "tariff",
                 "tariffs", "governor"],
    "buffett": ["buffet", "buffett", "berkshire", "hathaway", "munger", "abel"],
    "stock": ["stock", "stocks", "shares", "equities", "trading", "dow", "s&p", "rally",
              "cramer", "midday", "premarket"],
}
# Half weight: the hypothesis "Oil or Gas." holds two axis words, and should weigh as one.
HALF = {"oil", "gas"}
AXES = list(TOPICS) + ["bias"]
BIAS = AXES.index("bias")
OTHER_WEIGHT = 0.5

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
vocab = {tok: i for i, tok in enumerate(SPECIALS)}
rows = [np.zeros(len(AXES), np.float32) for _ in SPECIALS]
rows[0][BIAS] = 1.0  # <s> opens every premise: the bias that "Other" reads


def add(token, vec):
    vocab[token] = len(rows)
    rows.append(vec)


for axis, words in TOPICS.items():
    for w in words:
        v = np.zeros(len(AXES), np.float32)
        v[AXES.index(axis)] = 0.5 if w in HALF else 1.0
        add(w, v)
other = np.zeros(len(AXES), np.float32)
other[BIAS] = OTHER_WEIGHT
add("other", other)
for w in ["this", "example", "is", "or", "the", "a", "."]:
    add(w, np.zeros(len(AXES), np.float32))
E = np.stack(rows)

os.makedirs(os.path.join(OUT, "onnx"), exist_ok=True)

tokenizer = {
    "version": "1.0",
    "truncation": None,
    "padding": None,
    "added_tokens": [
        {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}
        for i, t in enumerate(SPECIALS)
    ],
    "normalizer": {"type": "Lowercase"},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "post_processor": {"type": "RobertaProcessing", "sep": ["</s>", 2], "cls": ["<s>", 0],
                       "trim_offsets": True, "add_prefix_space": False},
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "<unk>", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": vocab},
}
tokenizer_config = {
    "tokenizer_class": "BartTokenizer",
    "model_max_length": MAX_LENGTH,
    "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
    "unk_token": "<unk>", "pad_token": "<pad>",
}
config = {
    "_tidings_note": "tidings tiny keyword NLI model" + (" (slow variant, for the fault suite)" if SLOW else "") + ": for tests and the offline demo only, never a production default",
    "tidings_test_model": True,
    "model_type": "bart",
    "architectures": ["BartForSequenceClassification"],
    "id2label": {"0": "contradiction", "1": "neutral", "2": "entailment"},
    "label2id": {"contradiction": 0, "neutral": 1, "entailment": 2},
    "vocab_size": len(vocab), "d_model": len(AXES), "encoder_layers": 1, "decoder_layers": 1,
    "encoder_attention_heads": 1, "decoder_attention_heads": 1,
    "max_position_embeddings": MAX_LENGTH,
    "bos_token_id": 0, "pad_token_id": 1, "eos_token_id": 2, "decoder_start_token_id": 2,
}


def graph(embedding_nodes, initializers):
    c = lambda name, arr: initializers.append(numpy_helper.from_array(np.asarray(arr), name))
    c("sep_id", np.array(2, np.int64))
    c("seq_axis", np.array(1, np.int64))
    c("axes_1", np.array([1], np.int64))
    c("axes_2", np.array([2], np.int64))
    c("half", np.array(0.5, np.float32))
    c("zero", np.array(0.0, np.float32))
    c("one", np.array(1.0, np.float32))
    c("scale", np.array(SCALE, np.float32))
    n = helper.make_node
    nodes = embedding_nodes + [
        n("Gather", ["embedding", "input_ids"], ["emb"], axis=0),
        n("Equal", ["input_ids", "sep_id"], ["is_sep"]),
        n("Cast", ["is_sep"], ["is_sep_f"], to=TensorProto.FLOAT),
        n("CumSum", ["is_sep_f", "seq_axis"], ["seps_before"]),
        n("Less", ["seps_before", "half"], ["in_premise"]),
        n("Cast", ["in_premise"], ["in_premise_f"], to=TensorProto.FLOAT),
        n("Cast", ["attention_mask"], ["att"], to=TensorProto.FLOAT),
        n("Mul", ["in_premise_f", "att"], ["premise_mask"]),
        n("Sub", ["att", "premise_mask"], ["hypothesis_mask"]),
        n("Unsqueeze", ["premise_mask", "axes_2"], ["premise_mask3"]),
        n("Unsqueeze", ["hypothesis_mask", "axes_2"], ["hypothesis_mask3"]),
        n("Mul", ["emb", "premise_mask3"], ["premise_emb"]),
        n("Mul", ["emb", "hypothesis_mask3"], ["hypothesis_emb"]),
        n("ReduceSum", ["premise_emb", "axes_1"], ["premise_vec"], keepdims=0),
        n("ReduceSum", ["hypothesis_emb", "axes_1"], ["hypothesis_vec"], keepdims=0),
        n("Mul", ["premise_vec", "hypothesis_vec"], ["agreement"]),
        n("ReduceSum", ["agreement", "axes_1"], ["dot"], keepdims=1),
        n("Mul", ["dot", "scale"], ["entailment_fast"]),
    ]
    tail = [
        n("Mul", ["entailment", "zero"], ["neutral"]),
        n("Add", ["neutral", "one"], ["contradiction"]),
        n("Concat", ["contradiction", "neutral", "entailment"], ["logits"], axis=1),
    ]
    if SLOW:
        rng = np.random.default_rng(7)
        c("slow_w", (rng.standard_normal((SLOW_WIDTH, SLOW_WIDTH)) / np.sqrt(SLOW_WIDTH)).astype(np.float32))
        c("slow_ones", np.ones((1, SLOW_ROWS, SLOW_WIDTH), np.float32))
        c("axes_12", np.array([1, 2], np.int64))
        # Depends on the input, so ONNX Runtime cannot fold it away at load time.
        nodes += [
            n("ReduceSum", ["emb", "axes_12"], ["slow_seed"], keepdims=1),
            n("Mul", ["slow_seed", "zero"], ["slow_zero"]),
            n("Add", ["slow_zero", "slow_ones"], ["slow_0"]),
        ]
        for i in range(SLOW_LAYERS):
            nodes += [n("MatMul", [f"slow_{i}", "slow_w"], [f"slow_mm_{i}"]), n("Tanh", [f"slow_mm_{i}"], [f"slow_{i + 1}"])]
        nodes += [
            n("ReduceSum", [f"slow_{SLOW_LAYERS}", "axes_12"], ["slow_sum"], keepdims=0),
            n("Mul", ["slow_sum", "zero"], ["slow_nothing"]),
            n("Unsqueeze", ["slow_nothing", "axes_1"], ["slow_nothing2"]),
            n("Add", ["entailment_fast", "slow_nothing2"], ["entailment"]),
        ]
    else:
        nodes.append(n("Identity", ["entailment_fast"], ["entailment"]))
    g = helper.make_graph(
        nodes + tail, "tidings_tiny_nli",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "sequence_length"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", 3])],
        initializers,
    )
    model = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="tidings")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


fp32 = graph([], [numpy_helper.from_array(E, "embedding")])
onnx.save(fp32, os.path.join(OUT, "onnx", "model.onnx"))

# The int8 variant stores the table as int8 with one scale, as a dynamic quantizer would.
scale = float(np.abs(E).max()) / 127.0
q_inits = [numpy_helper.from_array(np.round(E / scale).astype(np.int8), "embedding_q"),
           numpy_helper.from_array(np.array(scale, np.float32), "embedding_scale"),
           numpy_helper.from_array(np.array(0, np.int8), "embedding_zero_point")]
q8 = graph([helper.make_node("DequantizeLinear", ["embedding_q", "embedding_scale", "embedding_zero_point"],
                             ["embedding"])], q_inits)
onnx.save(q8, os.path.join(OUT, "onnx", "model_quantized.onnx"))

for name, obj in [("tokenizer.json", tokenizer), ("tokenizer_config.json", tokenizer_config),
                  ("config.json", config)]:
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1, sort_keys=name != "tokenizer.json")
        f.write("\n")
print(f"wrote {OUT}: {len(vocab)} tokens, {len(AXES)} axes")
