#!/usr/bin/env python3
"""Comparisons for the GPU check.

  compare.py features OURS.safetensors EXPECTED.safetensors   max abs error per stage (ours is N,C,X,Y,Z; the
                                                               reference returns N,C,Z,X,Y)
  compare.py metrics CPU/metrics.csv GPU/metrics.csv          per-step loss columns, largest relative difference
"""
import csv
import json
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def load_file(path):
    """The tensors of a safetensors file (numpy only: no package needed)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for k, v in header.items():
        if k != "__metadata__":
            a, b = v["data_offsets"]
            out[k] = np.frombuffer(data[a:b], dtype=DTYPES[v["dtype"]]).reshape(v["shape"])
    return out


def features(ours, expected):
    a, b = load_file(ours), load_file(expected)
    for k in sorted(a):
        x = a[k].transpose(0, 1, 4, 2, 3)
        if k not in b:
            print(f"  {k}: not in the reference file")
            continue
        err = float(np.abs(x.astype(np.float64) - b[k].astype(np.float64)).max())
        scale = float(np.abs(b[k]).max())
        print(f"  {k} {list(x.shape)}: max abs error {err:.3g} (max |ref| {scale:.3g})"
              + ("" if err <= 1e-4 else "  ABOVE 1e-4"))


def metrics(cpu, gpu):
    a = list(csv.DictReader(open(cpu)))
    b = list(csv.DictReader(open(gpu)))
    cols = [c for c in a[0] if c.startswith("loss")]
    print(f"  {len(a)} CPU steps, {len(b)} GPU steps; columns {', '.join(cols)}")
    worst = 0.0
    for ra, rb in zip(a, b):
        diffs = []
        for c in cols:
            x, y = float(ra[c]), float(rb[c])
            rel = abs(x - y) / max(abs(x), 1e-12) if x != 0 or y != 0 else 0.0
            worst = max(worst, rel)
            diffs.append(f"{c} {x:.6g}/{y:.6g}")
        print(f"  step {ra['step']}: " + "; ".join(diffs))
    print(f"  largest relative difference {worst:.3g}")


if __name__ == "__main__":
    {"features": features, "metrics": metrics}[sys.argv[1]](*sys.argv[2:])
