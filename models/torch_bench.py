#!/usr/bin/env python3
"""PyTorch baseline for the GPU benchmark (src/bench/gpu.ts spawns this script).

Builds each bundled model from definitions.py (the same architectures as the
.onnx files), in eval() mode under torch.inference_mode(), and times it per
batch size, time-boxed per cell (warm-up first), with time.perf_counter around
a synchronising call:

  eager    fp32, TF32 disabled (torch.backends.cuda.matmul.allow_tf32 and
           torch.backends.cudnn.allow_tf32 both False)
  graphs   fp32, TF32 disabled, the forward pass captured once in a
           torch.cuda.CUDAGraph and replayed
  tf32     TF32 enabled for matmul and cuDNN, CUDA graphs

Each of these is timed end to end like surrogate-rt's predict(): inputs start
in ordinary (pageable) host memory and outputs end in host memory, so the
host->device and device->host copies are included ("io": "host").  The fp32
CUDA-graph forward pass is also timed on device-resident tensors
("graphs", "io": "device"): the compute alone.

Usage:
    python3 models/torch_bench.py --json                # CUDA (the GPU host)
    /usr/bin/python3 models/torch_bench.py --device cpu --seconds 0.2 --batches 1,8

With --json the result is one JSON object on stdout (progress goes to
stderr); it has "error" set, and the exit code is 2, when nothing could be
measured (no torch, no CUDA device).
"""

import argparse
import json
import math
import os
import platform
import sys
import time

sys.dont_write_bytecode = True      # keep models/ free of __pycache__

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

# Model name (models/manifest.json) -> class in definitions.py, and the
# torch.manual_seed export.py builds it with.
MODELS = {
    "elemnet": ("ElemNet", 1001),
    "phasenet": ("PhaseNet", 1002),
    "gmm": ("GroundMotionMLP", 1003),
    "crabnet": ("CrabNet", 1004),
}
MODES = ("eager", "graphs", "tf32")


def log(*args):
    print("torch_bench:", *args, file=sys.stderr, flush=True)


def percentile(sorted_samples, q):
    """The q-quantile of an ascending list (linear interpolation)."""
    if not sorted_samples:
        return float("nan")
    pos = (len(sorted_samples) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return sorted_samples[lo] + (sorted_samples[hi] - sorted_samples[lo]) * (pos - lo)


def time_boxed(fn, seconds, max_runs, min_runs=3):
    """One first call, 1-3 warm-up calls, then measured calls until `seconds`
    have passed (at least `min_runs`, at most `max_runs`).  Milliseconds."""
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    last = first
    warmup = 0
    warm_end = time.perf_counter() + seconds / 5
    while warmup < 1 or (warmup < 3 and time.perf_counter() + last < warm_end):
        t = time.perf_counter()
        fn()
        last = time.perf_counter() - t
        warmup += 1
    if last > seconds:
        min_runs = 1
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < min_runs or (time.perf_counter() < end and len(samples) < max_runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000.0)
    samples.sort()
    return {
        "median_ms": percentile(samples, 0.5),
        "p90_ms": percentile(samples, 0.9),
        "mean_ms": sum(samples) / len(samples),
        "min_ms": samples[0],
        "runs": len(samples),
        "warmup": warmup,
        "first_ms": first * 1000.0,
    }


def host_inputs(torch, spec, batch, generator):
    """Random host tensors for a manifest model at `batch`, in the manifest's value ranges."""
    tensors = []
    for inp in spec["inputs"]:
        shape = [batch if isinstance(d, str) else d for d in inp["shape"]]
        lo, hi = inp.get("range", [-1.0, 1.0])
        if inp["type"] == "int64":
            t = torch.randint(int(lo), int(hi) + 1, shape, generator=generator, dtype=torch.int64)
        elif inp["type"] == "float32":
            t = lo + (hi - lo) * torch.rand(shape, generator=generator, dtype=torch.float32)
        else:
            raise ValueError(f"input {inp['name']}: type {inp['type']} not handled")
        tensors.append(t)
    return tensors


def set_tf32(torch, enabled):
    torch.backends.cuda.matmul.allow_tf32 = enabled
    torch.backends.cudnn.allow_tf32 = enabled


def is_oom(e):
    return "out of memory" in str(e).lower() or type(e).__name__ == "OutOfMemoryError"


def rel_l2(a, b):
    a = a.double().flatten()
    b = b.double().flatten()
    den = float(b.norm())
    num = float((a - b).norm())
    return num / den if den > 0 else num


def bench_batch(torch, model, spec, batch, dev, args, rows, name):
    """Times every mode of one model at one batch size; appends rows."""
    gen = torch.Generator().manual_seed(batch)
    host = host_inputs(torch, spec, batch, gen)
    cuda = dev.type == "cuda"

    def row(mode, io, timing=None, skipped=None, **extra):
        r = {"model": name, "batch": batch, "mode": mode, "io": io}
        if timing is not None:
            r.update(timing)
            r["samples_per_s"] = batch / (timing["median_ms"] / 1000.0)
        if skipped is not None:
            r["skipped"] = skipped
        r.update(extra)
        rows.append(r)
        if skipped is not None:
            log(f"{name} batch {batch} {mode} ({io} io): skipped: {skipped}")
        else:
            log(f"{name} batch {batch} {mode} ({io} io): median {timing['median_ms']:.4g} ms, "
                f"p90 {timing['p90_ms']:.4g} ms, {timing['runs']} runs")

    fp32_out = None
    for mode in args.modes:
        if mode in ("graphs", "tf32") and not cuda:
            row(mode, "host", skipped="CUDA graphs and TF32 need a CUDA device")
            continue
        if cuda:
            set_tf32(torch, mode == "tf32")
        graph = None
        static_in = static_out = None
        try:
            if mode == "eager":
                def run():
                    ins = [h.to(dev) for h in host]
                    return model(*ins).cpu()       # .cpu() synchronises
                fp32_out = run()
                row(mode, "host", time_boxed(run, args.seconds, args.max_runs))
            else:
                static_in = [h.to(dev) for h in host]
                # Warm up on a side stream before capture (as the PyTorch docs do).
                side = torch.cuda.Stream()
                side.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(side):
                    for _ in range(3):
                        model(*static_in)
                torch.cuda.current_stream().wait_stream(side)
                torch.cuda.synchronize()
                graph = torch.cuda.CUDAGraph()
                with torch.cuda.graph(graph):
                    static_out = model(*static_in)
                torch.cuda.synchronize()

                def run():
                    for s, h in zip(static_in, host):
                        s.copy_(h)
                    graph.replay()
                    return static_out.cpu()
                extra = {}
                out = run()
                if fp32_out is not None:
                    extra["rel_l2_vs_eager_fp32"] = rel_l2(out, fp32_out)
                row(mode, "host", time_boxed(run, args.seconds, args.max_runs), **extra)
                if mode == "graphs" and not args.no_device_io:
                    def replay():
                        graph.replay()
                        torch.cuda.synchronize()
                    row(mode, "device", time_boxed(replay, args.seconds / 2, args.max_runs))
        except Exception as e:                       # noqa: BLE001 - reported per cell
            reason = ("does not fit in GPU memory: " if is_oom(e) else "") + f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
            row(mode, "host", skipped=reason[:300])
        finally:
            del graph, static_in, static_out
            if cuda:
                torch.cuda.synchronize()
                torch.cuda.empty_cache()
    if cuda:
        set_tf32(torch, False)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--device", default="cuda", help="cuda (default), cuda:N or cpu (for a smoke test)")
    p.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", "2")),
                   help="time box per cell (default $BENCH_SECONDS or 2)")
    p.add_argument("--max-runs", type=int, default=int(os.environ.get("BENCH_MAX_RUNS", "1000")))
    p.add_argument("--models", default=os.environ.get("BENCH_MODELS", ",".join(MODELS)))
    p.add_argument("--batches", default=os.environ.get("BENCH_BATCHES", "1,64,1024,8192"))
    p.add_argument("--modes", default=",".join(MODES), help="eager,graphs,tf32")
    p.add_argument("--threads", type=int, default=0, help="CPU threads (torch.set_num_threads)")
    p.add_argument("--no-device-io", action="store_true", help="skip the device-resident timing")
    p.add_argument("--no-cudnn-benchmark", action="store_true", help="leave torch.backends.cudnn.benchmark off")
    args = p.parse_args()
    args.modes = [m for m in args.modes.split(",") if m]
    for m in args.modes:
        if m not in MODES:
            p.error(f"unknown mode {m}")
    batches = [int(b) for b in args.batches.split(",") if b]
    names = [n for n in args.models.split(",") if n]

    result = {"script": "models/torch_bench.py", "python": platform.python_version(),
              "device_requested": args.device, "seconds": args.seconds,
              "max_runs": args.max_runs, "rows": []}

    def finish(code=0):
        if args.json:
            print(json.dumps(result))
        else:
            for r in result["rows"]:
                if "skipped" in r:
                    print(f"{r['model']:10} {r['batch']:>6} {r['mode']:7} {r['io']:6} skipped: {r['skipped']}")
                else:
                    print(f"{r['model']:10} {r['batch']:>6} {r['mode']:7} {r['io']:6} median {r['median_ms']:10.4f} ms"
                          f"  p90 {r['p90_ms']:10.4f} ms  {r['samples_per_s']:12.1f} samples/s")
            if result.get("error"):
                print("error:", result["error"])
        sys.exit(code)

    try:
        import torch
    except Exception as e:                           # noqa: BLE001
        result["error"] = f"PyTorch is not importable by {sys.executable}: {type(e).__name__}: {e}"
        finish(2)
    result["torch"] = torch.__version__
    result["torch_cuda"] = torch.version.cuda
    dev = torch.device(args.device)
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            result["error"] = (f"torch {torch.__version__} (built for CUDA {torch.version.cuda}) sees no usable CUDA device"
                               f" (torch.cuda.is_available() is False; device count {torch.cuda.device_count()})")
            finish(2)
        index = dev.index if dev.index is not None else torch.cuda.current_device()
        torch.cuda.set_device(index)
        prop = torch.cuda.get_device_properties(index)
        result["gpu"] = prop.name
        result["compute_capability"] = f"{prop.major}.{prop.minor}"
        result["total_memory"] = prop.total_memory
        result["cudnn"] = torch.backends.cudnn.version()
        torch.backends.cudnn.benchmark = not args.no_cudnn_benchmark
        result["cudnn_benchmark"] = torch.backends.cudnn.benchmark
        set_tf32(torch, False)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    result["threads"] = torch.get_num_threads()

    try:
        import definitions
        with open(os.path.join(HERE, "manifest.json")) as f:
            manifest = {m["name"]: m for m in json.load(f)["models"]}
    except Exception as e:                           # noqa: BLE001
        result["error"] = f"cannot load models/definitions.py or manifest.json: {type(e).__name__}: {e}"
        finish(2)

    with torch.inference_mode():
        for name in names:
            if name not in MODELS or name not in manifest:
                result["rows"].append({"model": name, "batch": 0, "mode": "all", "io": "host",
                                       "skipped": "not a bundled model known to torch_bench.py"})
                continue
            cls_name, seed = MODELS[name]
            torch.manual_seed(seed)
            model = getattr(definitions, cls_name)().eval().to(dev)
            for batch in batches:
                bench_batch(torch, model, manifest[name], batch, dev, args, result["rows"], name)
            del model
            if dev.type == "cuda":
                torch.cuda.empty_cache()
    finish(0)


if __name__ == "__main__":
    main()
