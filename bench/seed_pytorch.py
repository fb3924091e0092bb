#!/usr/bin/env python3
"""The seed's way of classifying: PyTorch eager, one premise/hypothesis pair per forward pass.

Reads {"pairs": [[token ids], ...], "repeats": n, "threads": t} on stdin (the same token ids
tidings feeds its ONNX model) and prints {"secondsPerArticle": [...], "logits": [...], "peakRssMb": x}.
"""
import importlib.util
import json
import os
import resource
import sys
import time

import torch

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_bench_model", os.path.join(here, "make-bench-model.py"))
mbm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mbm)

request = json.load(sys.stdin)
torch.set_num_threads(request["threads"])
model = mbm.BartShapedClassifier(mbm.CFG).eval()
model.load_state_dict(torch.load(os.path.join(request["modelDir"], "weights.pt")))

pairs = [torch.tensor([ids]) for ids in request["pairs"]]
logits = []
times = []
with torch.inference_mode():
    for p in pairs:  # warm-up, and the logits to compare
        logits.append(model(p, torch.ones_like(p))[0].tolist())
    for _ in range(request["repeats"]):
        start = time.perf_counter()
        for p in pairs:
            model(p, torch.ones_like(p))
        times.append(time.perf_counter() - start)
print(json.dumps({
    "secondsPerArticle": times,
    "logits": logits,
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "torch": torch.__version__,
}))
