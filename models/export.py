#!/usr/bin/env python3
"""Regenerate the reference ONNX models and models/manifest.json.

Usage (from the repository root):

    /usr/bin/python3 models/export.py

Requires torch (tested with 1.13) and onnx (tested with 1.12).  Weights are
seeded random (torch.manual_seed), so regeneration is deterministic for a given
torch version.  For every model this script

  * builds the nn.Module from definitions.py and switches it to eval() mode,
  * runs it on a random batch of 2 and checks the output shape,
  * exports it with torch.onnx.export (opset 17, constant folding, dynamic
    batch axis "batch" on every input and output),
  * runs onnx.checker.check_model and onnx.shape_inference.infer_shapes,
  * prints the ONNX operator types used and fails if any is outside the set
    supported by the surrogate-rt runtime,
  * records the model in manifest.json.
"""

import json
import os
import re
import sys
import warnings
from collections import Counter

sys.dont_write_bytecode = True      # keep models/ free of __pycache__

import onnx
import torch

# Harmless torch 1.13 exporter notice triggered by constant-folded scalars.
warnings.filterwarnings("ignore", message="The shape inference of prim::Constant")

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from definitions import CrabNet, ElemNet, GroundMotionMLP, PhaseNet  # noqa: E402

OPSET = 17

# Operators the surrogate-rt runtime implements.  Export fails if a graph uses
# anything else.
ALLOWED_OPS = frozenset("""
    Add Sub Mul Div Pow Sqrt Exp Log Erf Neg Abs Reciprocal
    Relu LeakyRelu Sigmoid Tanh Softplus Clip Where Equal Less Greater And Not
    Cast Gemm MatMul Conv ConvTranspose BatchNormalization LayerNormalization
    Softmax LogSoftmax MaxPool AveragePool GlobalAveragePool
    ReduceMean ReduceSum ReduceMax ReduceMin
    Concat Split Reshape Flatten Transpose Squeeze Unsqueeze Slice Gather
    Expand Tile Pad Shape Size Constant ConstantOfShape Range Identity Dropout
""".split())

# Model specifications.  "inputs"/"outputs" go verbatim (plus parameter count
# and op list) into manifest.json; "range" tells test/benchmark code how to
# draw valid random inputs (float: uniform in [min, max]; int64: uniform
# integers in [min, max] inclusive).
MODELS = [
    {
        "name": "elemnet",
        "seed": 1001,
        "build": ElemNet,
        "description": (
            "ElemNet-style deep MLP (86->1024->1024->512->512->256->256->128->64->1, "
            "ReLU) predicting formation energy from 86 element fractions. "
            "Seeded random weights, not trained."),
        "inputs": [
            {"name": "composition", "type": "float32",
             "shape": ["batch", 86], "range": [0.0, 1.0]},
        ],
        "outputs": [
            {"name": "formation_energy", "type": "float32", "shape": ["batch", 1]},
        ],
    },
    {
        "name": "phasenet",
        "seed": 1002,
        "build": PhaseNet,
        "description": (
            "PhaseNet-style 1-D U-Net seismic phase picker: 3-component "
            "waveform (3001 samples) -> per-sample softmax probabilities of "
            "noise, P and S. Seeded random weights, not trained."),
        "inputs": [
            {"name": "waveform", "type": "float32",
             "shape": ["batch", 3, 3001], "range": [-1.0, 1.0]},
        ],
        "outputs": [
            {"name": "probabilities", "type": "float32",
             "shape": ["batch", 3, 3001]},
        ],
    },
    {
        "name": "gmm",
        "seed": 1003,
        "build": GroundMotionMLP,
        "description": (
            "Small ground-motion model MLP (5->64->64, tanh) with a softplus "
            "distance-attenuation head: normalised source/site features -> "
            "log PGA, PGV and PSA at 6 periods. Seeded random weights, not "
            "trained."),
        "inputs": [
            {"name": "features", "type": "float32",
             "shape": ["batch", 5], "range": [-1.0, 1.0]},
        ],
        "outputs": [
            {"name": "log_im", "type": "float32", "shape": ["batch", 8]},
        ],
    },
    {
        "name": "crabnet",
        "seed": 1004,
        "build": CrabNet,
        "description": (
            "CrabNet-style transformer (2 post-norm encoder layers, d_model 64, "
            "4 heads, GELU FFN) over up to 8 element tokens with padding mask "
            "and masked mean pooling -> one material property. Seeded random "
            "weights, not trained."),
        "inputs": [
            {"name": "elements", "type": "int64",
             "shape": ["batch", 8], "range": [0, 86]},
            {"name": "fractions", "type": "float32",
             "shape": ["batch", 8], "range": [0.0, 1.0]},
        ],
        "outputs": [
            {"name": "property", "type": "float32", "shape": ["batch", 1]},
        ],
    },
]


def random_inputs(spec, batch, generator):
    """Random input tensors for ``spec`` following the manifest ranges."""
    tensors = []
    for inp in spec["inputs"]:
        shape = [batch if d == "batch" else d for d in inp["shape"]]
        lo, hi = inp["range"]
        if inp["type"] == "int64":
            t = torch.randint(int(lo), int(hi) + 1, shape, generator=generator,
                              dtype=torch.int64)
        else:
            t = lo + (hi - lo) * torch.rand(shape, generator=generator)
        tensors.append(t)
    return tuple(tensors)


def dim_repr(dim):
    return dim.dim_param if dim.HasField("dim_param") else dim.dim_value


def export_one(spec):
    name = spec["name"]
    path = os.path.join(HERE, name + ".onnx")

    torch.manual_seed(spec["seed"])
    model = spec["build"]()
    model.eval()
    n_params = sum(p.numel() for p in model.parameters())

    # Sanity run in PyTorch on a batch of 2.
    gen = torch.Generator().manual_seed(spec["seed"])
    example = random_inputs(spec, 2, gen)
    with torch.no_grad():
        out = model(*example)
    expected = [2 if d == "batch" else d for d in spec["outputs"][0]["shape"]]
    if list(out.shape) != expected:
        raise RuntimeError(f"{name}: torch output shape {list(out.shape)} "
                           f"!= expected {expected}")
    if not torch.isfinite(out).all():
        raise RuntimeError(f"{name}: non-finite torch output")

    input_names = [i["name"] for i in spec["inputs"]]
    output_names = [o["name"] for o in spec["outputs"]]
    dynamic_axes = {n: {0: "batch"} for n in input_names + output_names}
    with torch.no_grad():
        torch.onnx.export(
            model, example, path,
            export_params=True,
            opset_version=OPSET,
            do_constant_folding=True,
            training=torch.onnx.TrainingMode.EVAL,
            input_names=input_names,
            output_names=output_names,
            dynamic_axes=dynamic_axes,
        )

    onnx_model = onnx.load(path)
    onnx.checker.check_model(onnx_model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(onnx_model, check_type=True,
                                                 strict_mode=True)

    op_counts = Counter(node.op_type for node in onnx_model.graph.node)
    ops = sorted(op_counts)
    bad = sorted(set(ops) - ALLOWED_OPS)

    size = os.path.getsize(path)
    print(f"== {name}: {os.path.relpath(path)}  {size / 1e6:.2f} MB  "
          f"{n_params:,} parameters  {len(onnx_model.graph.node)} nodes")
    print("   ops: " + ", ".join(f"{op}x{op_counts[op]}" for op in ops))
    for o in inferred.graph.output:
        dims = [dim_repr(d) for d in o.type.tensor_type.shape.dim]
        print(f"   inferred output {o.name}: {dims}")
    if bad:
        raise RuntimeError(f"{name}: operators outside the allowed set: {bad}")

    return {
        "name": name,
        "file": name + ".onnx",
        "description": spec["description"],
        "opset": OPSET,
        "parameters": n_params,
        "ops": ops,
        "inputs": spec["inputs"],
        "outputs": spec["outputs"],
    }


def main():
    entries = [export_one(spec) for spec in MODELS]
    manifest_path = os.path.join(HERE, "manifest.json")
    text = json.dumps({"models": entries}, indent=2)
    # Put short lists of scalars (shapes, ranges, op lists) on one line.
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]",
                  lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text)
    with open(manifest_path, "w") as f:
        f.write(text + "\n")
    print(f"wrote {os.path.relpath(manifest_path)}")


if __name__ == "__main__":
    main()
