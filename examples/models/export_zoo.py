#!/usr/bin/python3
"""Export the vitc model zoo to ONNX with reference inputs and outputs.

    /usr/bin/python3 examples/models/export_zoo.py --out DIR [--models a,b,...] [--no-verify]

For each entry E this writes
    DIR/E/model.onnx       the export (torch.onnx.export, eval mode, constant folding on)
    DIR/E/input.npy        float32 input, batch 1, seeded normal(0, 1)
    DIR/E/expected.npy     float32 PyTorch eval-mode output on input.npy
    DIR/E/input_b2.npy     } dynamic-batch entries only: batch 2
    DIR/E/expected_b2.npy  }
and DIR/manifest.json describing every entry written by this run (entries already in
an existing manifest but not re-exported are kept).

Every file is written under a temporary name and renamed, so an interrupted run never
leaves a truncated file behind. Weights and inputs come from fixed seeds: two runs on
the same torch version give identical files.

Checks made on each export, on the temporary file before it is renamed into place:
onnx.checker.check_model; strict shape inference with type checking and data
propagation, whose output shape must match PyTorch's; PyTorch's output finite and not
degenerate; and -- unless --no-verify -- the ONNX graph run by the numpy reference
evaluator test/e2e/onnx_ref_eval.py must match PyTorch within 1e-4 relative
(max|a-e|/max|e|). That run also counts the multiply-accumulates reported as GMACs.

Other options: --list (entries), --markdown (print README.md's tables from
DIR/manifest.json), --verbose (show torch.onnx.export's warnings).

Needs Debian's python (torch 1.13, onnx 1.12, numpy); run it as /usr/bin/python3.
"""
import argparse
import collections
import json
import os
import sys
import tempfile
import time
import warnings

# One thread unless VITC_ZOO_THREADS says otherwise: on a 2-core machine shared with a
# build, multi-threaded torch/OpenBLAS spin-waiting made the export 4-5x slower.
THREADS = int(os.environ.get("VITC_ZOO_THREADS", "0") or 0) or 1
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, str(THREADS))

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "test", "e2e"))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402

import vitzoo  # noqa: E402

# Seeds: one per model family (weights and inputs), shared by all exports of that model,
# so e.g. deit_tiny_op13 and deit_tiny_op17 hold the same weights and the same input.
SEEDS = {"deit_tiny": 11, "deit_small": 12, "swin": 13, "tinyvit": 14, "efficientvit": 15, "swinir": 16}

# name -> (model, opset, dynamic_batch, do_constant_folding)
ENTRIES = collections.OrderedDict([
    ("deit_tiny_op13", ("deit_tiny", 13, True, True)),
    ("deit_tiny_op17", ("deit_tiny", 17, True, True)),
    ("deit_small_op13", ("deit_small", 13, True, True)),
    ("deit_small_op17", ("deit_small", 17, True, True)),
    ("swin_op13", ("swin", 13, False, True)),
    ("swin_op17", ("swin", 17, False, True)),
    ("swin_dyn_op17", ("swin", 17, True, True)),
    # Exporter constant folding off: the relative-position-bias Gather (table[index]),
    # the shape arithmetic and the weight transposes stay in the graph, as in exports
    # made with do_constant_folding=False or in training-mode-preserving tools.
    ("swin_nofold_op17", ("swin", 17, False, False)),
    ("tinyvit_op17", ("tinyvit", 17, False, True)),
    ("efficientvit_op17", ("efficientvit", 17, False, True)),
    ("swinir_op17", ("swinir", 17, False, True)),
])

RTOL = 1e-4
VERBOSE = False  # --verbose: show the exporter's warnings


def rel_error(actual, expected):
    """max|actual - expected| / max|expected| (the definition used by test/e2e/compare_npy.py)."""
    denom = float(np.max(np.abs(expected)))
    return float(np.max(np.abs(actual.astype(np.float64) - expected))) / max(denom, 1e-30)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path, write_fn, suffix):
    """Write `path` via a temporary file in the same directory, then rename."""
    d = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=d)
    os.close(fd)
    try:
        write_fn(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_npy(path, arr):
    def w(tmp):
        with open(tmp, "wb") as f:
            np.save(f, np.ascontiguousarray(arr, dtype=np.float32))
    atomic_write(path, w, ".npy")


def make_input(model_name, batch):
    c, h, w = vitzoo.MODELS[model_name][1]
    # Separate streams for batch 1 and batch 2 so input.npy does not depend on whether
    # a batch-2 file is written too.
    rng = np.random.default_rng([SEEDS[model_name], batch])
    return rng.standard_normal((batch, c, h, w)).astype(np.float32)


def value_info_shape(vi):
    dims = []
    for d in vi.type.tensor_type.shape.dim:
        if d.HasField("dim_value"):
            dims.append(d.dim_value)
        elif d.HasField("dim_param"):
            dims.append(d.dim_param)
        else:
            dims.append(None)
    return dims


def op_histogram(model):
    return collections.Counter(n.op_type for n in model.graph.node)


def histogram_str(hist, skip=("Constant",)):
    items = sorted(((k, v) for k, v in hist.items() if k not in skip), key=lambda kv: (-kv[1], kv[0]))
    return " ".join(f"{k}:{v}" for k, v in items)


def shape_inference_stats(model, inferred):
    """How much of the graph onnx shape inference (strict, data_prop) resolves on its own:
    node outputs with fully static shapes / with a symbolic or unknown dim / of unknown rank."""
    vis = {vi.name: vi for vi in list(inferred.graph.value_info) + list(inferred.graph.output)}
    stats = collections.Counter()
    for n in model.graph.node:
        if n.op_type == "Constant":
            continue
        for o in n.output:
            vi = vis.get(o)
            if vi is None or not vi.type.tensor_type.HasField("shape"):
                stats["unknown_rank"] += 1
            elif all(d.HasField("dim_value") for d in vi.type.tensor_type.shape.dim):
                stats["static"] += 1
            else:
                stats["symbolic_dims"] += 1
    return {k: stats[k] for k in ("static", "symbolic_dims", "unknown_rank")}


def check_not_degenerate(name, y, task):
    if not np.all(np.isfinite(y)):
        raise RuntimeError(f"{name}: PyTorch output has non-finite values")
    std = float(y.std())
    if std < 1e-3:
        raise RuntimeError(f"{name}: PyTorch output is degenerate (std {std:.3g})")
    if task == "image-to-image" and float(np.ptp(y)) < 1e-2:
        raise RuntimeError(f"{name}: SR output is (nearly) constant")


def check_export(entry, path, opset, dynamic, y, batches, verify):
    """Structural checks of the export at `path`, then (if `verify`) run it with the numpy
    reference evaluator on every reference input. Raises RuntimeError on a failure."""
    m = onnx.load(path)
    onnx.checker.check_model(m)
    inferred = onnx.shape_inference.infer_shapes(m, check_type=True, strict_mode=True, data_prop=True)
    in_shape = value_info_shape(inferred.graph.input[0])
    out_shape = value_info_shape(inferred.graph.output[0])
    want_out = ["batch" if (dynamic and i == 0) else d for i, d in enumerate(y.shape)]
    if out_shape != want_out:
        raise RuntimeError(f"{entry}: ONNX output shape {out_shape} != PyTorch {want_out}")
    opset_imported = max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx"))
    if opset_imported != opset:
        raise RuntimeError(f"{entry}: exported opset {opset_imported}, wanted {opset}")
    res = {"hist": op_histogram(m), "shape_stats": shape_inference_stats(m, inferred),
           "in_shape": in_shape, "out_shape": out_shape, "macs": None, "worst": None}
    if verify:
        import onnx_ref_eval
        for b, xb, yb in batches:
            got, stats = onnx_ref_eval.run_model(m, {"input": xb})
            if got[0].shape != yb.shape:
                raise RuntimeError(f"{entry}: numpy evaluation gives shape {got[0].shape}, PyTorch {yb.shape}")
            err = rel_error(got[0], yb)
            res["worst"] = err if res["worst"] is None else max(res["worst"], err)
            if err > RTOL:
                raise RuntimeError(f"{entry}: numpy evaluation of the ONNX graph differs from "
                                   f"PyTorch at batch {b}: rel {err:.3g} > {RTOL}")
            if b == 1:
                res["macs"] = stats["macs"]
    return res


def export_entry(entry, out_dir, model_cache, verify):
    model_name, opset, dynamic, fold = ENTRIES[entry]
    task = vitzoo.MODELS[model_name][2]
    t0 = time.time()
    if model_name not in model_cache:
        model_cache[model_name] = {"model": vitzoo.build(model_name, SEEDS[model_name])}
    cache = model_cache[model_name]
    model = cache["model"]
    params = sum(p.numel() for p in model.parameters())

    def reference(batch):
        # PyTorch output on the seeded input, shared by all entries of the same model.
        if batch not in cache:
            xb = make_input(model_name, batch)
            with torch.no_grad():
                yb = model(torch.from_numpy(xb)).numpy()
            check_not_degenerate(entry, yb, task)
            cache[batch] = (xb, yb)
        return cache[batch]

    x, y = reference(1)
    batches = [(1, x, y)]
    if dynamic:
        x2, y2 = reference(2)
        if float(np.abs(y2[0] - y2[1]).max()) < 1e-3 * float(np.abs(y2).max()):
            raise RuntimeError(f"{entry}: output does not depend on the input")
        batches.append((2, x2, y2))

    edir = os.path.join(out_dir, entry)
    os.makedirs(edir, exist_ok=True)
    onnx_path = os.path.join(edir, "model.onnx")
    kwargs = {}
    if dynamic:
        kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    checked = {}

    def export_and_check(tmp):
        # Everything is checked on the temporary file: a failing entry leaves no model.onnx.
        with warnings.catch_warnings():
            if not VERBOSE:
                warnings.simplefilter("ignore")
            torch.onnx.export(model, torch.from_numpy(x), tmp, export_params=True,
                              do_constant_folding=fold, opset_version=opset,
                              input_names=["input"], output_names=["output"], **kwargs)
        checked.update(check_export(entry, tmp, opset, dynamic, y, batches, verify))
    atomic_write(onnx_path, export_and_check, ".onnx")
    hist, shape_stats = checked["hist"], checked["shape_stats"]
    in_shape, out_shape = checked["in_shape"], checked["out_shape"]
    macs, worst = checked["macs"], checked["worst"]

    # --- reference data
    save_npy(os.path.join(edir, "input.npy"), x)
    save_npy(os.path.join(edir, "expected.npy"), y)
    if dynamic:
        save_npy(os.path.join(edir, "input_b2.npy"), batches[1][1])
        save_npy(os.path.join(edir, "expected_b2.npy"), batches[1][2])

    info = collections.OrderedDict([
        ("name", entry),
        ("model", model_name),
        ("onnx", f"{entry}/model.onnx"),
        ("opset", opset),
        ("dynamic_batch", dynamic),
        ("constant_folding", fold),
        ("task", task),
        ("inputs", [{"name": "input", "shape": list(x.shape), "onnx_shape": in_shape, "dtype": "float32",
                     "file": f"{entry}/input.npy"}]),
        ("outputs", [{"name": "output", "shape": list(y.shape), "onnx_shape": out_shape, "dtype": "float32",
                      "file": f"{entry}/expected.npy"}]),
        ("params", params),
        ("macs", macs),
        ("seed", SEEDS[model_name]),
        ("rtol", RTOL),
        ("op_histogram", dict(sorted(hist.items()))),
        ("onnx_shape_inference", shape_stats),
    ])
    if dynamic:
        info["inputs_b2"] = [{"name": "input", "shape": list(batches[1][1].shape), "file": f"{entry}/input_b2.npy"}]
        info["outputs_b2"] = [{"name": "output", "shape": list(batches[1][2].shape),
                               "file": f"{entry}/expected_b2.npy"}]
    gm = f"{macs / 1e9:.3f} GMACs" if macs is not None else "GMACs n/a"
    ver = f"ref-eval rel {worst:.1e}" if worst is not None else "ref-eval skipped"
    print(f"{entry:<18} params {params / 1e6:6.2f}M  {gm}  {ver}  {time.time() - t0:5.1f}s  "
          f"shapes static/symbolic/unknown-rank {shape_stats['static']}/{shape_stats['symbolic_dims']}/"
          f"{shape_stats['unknown_rank']}  nodes {sum(hist.values())}: {histogram_str(hist)}", flush=True)
    return info


def print_markdown(entries):
    print("| entry | opset | dyn. batch | params | GMACs | nodes | ops (count, Constant omitted) |")
    print("|---|---|---|---|---|---|---|")
    for e in entries:
        hist = collections.Counter(e["op_histogram"])
        macs = f"{e['macs'] / 1e9:.3f}" if e.get("macs") is not None else "n/a"
        print(f"| {e['name']} | {e['opset']} | {'yes' if e['dynamic_batch'] else 'no'} | "
              f"{e['params'] / 1e6:.2f}M | {macs} | {sum(hist.values())} | {histogram_str(hist)} |")
    print()
    ops = collections.defaultdict(set)
    for e in entries:
        for op in e["op_histogram"]:
            ops[op].add(e["opset"])
    print("| op type | opsets | entries |")
    print("|---|---|---|")
    for op in sorted(ops):
        users = [e["name"] for e in entries if op in e["op_histogram"]]
        where = "all" if len(users) == len(entries) else ", ".join(users)
        print(f"| {op} | {', '.join(map(str, sorted(ops[op])))} | {where} |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--models", help="comma-separated entries (default: all); see --list")
    ap.add_argument("--list", action="store_true", help="list entries and exit")
    ap.add_argument("--no-verify", action="store_true",
                    help="skip running the ONNX graph with the numpy reference evaluator")
    ap.add_argument("--verbose", action="store_true", help="show torch.onnx.export warnings")
    ap.add_argument("--markdown", action="store_true",
                    help="export nothing: print the op-histogram tables of README.md from DIR/manifest.json")
    args = ap.parse_args(argv)

    if args.list:
        for name, (model, opset, dyn, fold) in ENTRIES.items():
            c, h, w = vitzoo.MODELS[model][1]
            print(f"{name:<18} model={model} opset={opset} dynamic_batch={dyn} constant_folding={fold} "
                  f"input=1x{c}x{h}x{w} task={vitzoo.MODELS[model][2]}")
        return 0
    if not args.out:
        ap.error("--out is required (unless --list)")
    global VERBOSE
    VERBOSE = args.verbose
    if args.markdown:
        with open(os.path.join(args.out, "manifest.json")) as f:
            print_markdown(json.load(f)["entries"])
        return 0
    names = list(ENTRIES)
    if args.models:
        names = [n.strip() for n in args.models.split(",") if n.strip()]
        unknown = [n for n in names if n not in ENTRIES]
        if unknown:
            ap.error(f"unknown entries: {', '.join(unknown)} (known: {', '.join(ENTRIES)})")

    torch.set_num_threads(THREADS)
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)

    manifest_path = os.path.join(out_dir, "manifest.json")
    entries = collections.OrderedDict()
    if os.path.exists(manifest_path):
        try:
            with open(manifest_path) as f:
                for e in json.load(f).get("entries", []):
                    if e.get("name") in ENTRIES:
                        entries[e["name"]] = e
        except (OSError, ValueError):
            entries.clear()

    t0 = time.time()
    cache = {}
    for n in names:
        try:
            entries[n] = export_entry(n, out_dir, cache, verify=not args.no_verify)
        except (RuntimeError, onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    ordered = [entries[n] for n in ENTRIES if n in entries]
    manifest = collections.OrderedDict([
        ("generator", "examples/models/export_zoo.py"),
        ("torch", torch.__version__),
        ("onnx", onnx.__version__),
        ("rtol", RTOL),
        ("rel_error", "max|actual - expected| / max|expected|"),
        ("entries", ordered),
    ])

    def w(tmp):
        with open(tmp, "w") as f:
            json.dump(manifest, f, indent=1)
            f.write("\n")
    atomic_write(manifest_path, w, ".json")
    print(f"exported {len(names)} entries to {out_dir} in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
