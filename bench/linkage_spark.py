"""The linkage of N records on a local Spark, beside the same link on DuckDB, on this machine.

The records are the engine's labelled synthetic population (``lintas.linkage.engine.synthetic``,
seed 1), made once per size and handed to both backends. Each backend runs in a process of
its own (``python -m bench.linkage_spark --child BACKEND FILE``): it trains a model on the
records (no labels), scores the candidate pairs at probability 0.5 and groups the records
into people at the threshold of proposals. Timed apart: Spark's start, training, scoring,
clustering. The memory figure is the peak of the summed resident memory of the process and
all its children (for Spark: Python, the Java virtual machine and Spark's Python workers),
sampled every 0.2 s from /proc. Quality is pairwise precision and recall of the clusters
against the labels, so that a faster backend cannot hide a worse link.

The 1,000,000-record run is made only when the 100,000-record run on Spark took under a
minute (the whole run would then fit in about ten); otherwise the section says so. The load
average of the machine before and after each run is reported: its cores are shared.

Run alone with ``python -m bench.linkage_spark [--quick]`` (prints the section), or through
``python -m bench linkage_spark``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

FULL_SIZES = (100_000, 1_000_000)
QUICK_SIZES = (2_000,)
LARGE_ONLY_UNDER_S = 60.0
CHILD_TIMEOUT_S = 20 * 60
SAMPLE_S = 0.2


def _tree_rss_kib(root: int) -> int:
    """Summed VmRSS of ``root`` and all its descendants (KiB), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _pairs(sizes: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def _quality(clusters: dict[str, str], entity: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of ``clusters`` against the true ``entity``."""
    found = _pairs(Counter(clusters.values()))
    true = _pairs(Counter(entity.values()))
    both = _pairs(Counter((clusters[i], entity[i]) for i in entity))
    precision = both / found if found else 1.0
    recall = both / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def child(backend: str, path: Path) -> dict[str, Any]:
    """One full link of the pickled records with ``backend``; its figures as a dict."""
    from lintas.linkage.engine import PROPOSE_THRESHOLD, cluster, predict, train

    records, entity = pickle.loads(path.read_bytes())  # noqa: S301 - written by the parent
    figures: dict[str, Any] = {"backend": backend, "records": len(records)}
    started = time.monotonic()
    if backend == "spark":
        from lintas.linkage.engine.spark import spark_api

        spark_api()
    figures["start_s"] = time.monotonic() - started
    mark = time.monotonic()
    model = train(records, backend=backend)
    figures["train_s"] = time.monotonic() - mark
    mark = time.monotonic()
    pairs = predict(model, records, backend=backend)
    figures["predict_s"] = time.monotonic() - mark
    mark = time.monotonic()
    clusters = cluster(pairs, [r.id for r in records], threshold=PROPOSE_THRESHOLD)
    figures["cluster_s"] = time.monotonic() - mark
    figures["total_s"] = time.monotonic() - started
    figures["pairs"] = len(pairs)
    figures["people"] = len(set(clusters.values()))
    figures["precision"], figures["recall"], figures["f1"] = _quality(clusters, entity)
    figures["model"] = model.version
    return figures


def _run_child(backend: str, path: Path) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.linkage_spark", "--child", backend, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(process.pid))
            done.wait(SAMPLE_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, _ = process.communicate(timeout=CHILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        out = ""
    finally:
        done.set()
        sampler.join()
    figures: dict[str, Any] = {"backend": backend, "failed": True}
    lines = out.strip().splitlines()
    if process.returncode == 0 and lines:
        figures = json.loads(lines[-1])
    figures["peak_rss_mib"] = peak / 1024
    figures["load"] = f"{load_before:.1f} / {os.getloadavg()[0]:.1f}"
    return figures


def _row(f: dict[str, Any]) -> str:
    if f.get("failed"):
        return (
            f"| {f['backend']} | did not finish within {CHILD_TIMEOUT_S // 60} min "
            f"| | | | | | | {f['peak_rss_mib']:.0f} | {f['load']} |"
        )
    start = f"{f['start_s']:.1f}" if f["backend"] == "spark" else "-"
    return (
        f"| {f['backend']} | {start} | {f['train_s']:.1f} | {f['predict_s']:.1f} "
        f"| {f['cluster_s']:.1f} | **{f['total_s']:.1f}** | {f['pairs']:,} "
        f"| {f['precision']:.4f} / {f['recall']:.4f} / {f['f1']:.4f} "
        f"| {f['peak_rss_mib']:.0f} | {f['load']} |"
    )


def run(quick: bool) -> str:
    """The Markdown section: one table per size, DuckDB and Spark side by side."""
    from lintas.linkage.engine.synthetic import generate

    lines = [
        "The same link (train, score at probability 0.5, cluster at the proposal threshold) "
        "on DuckDB and on a local Spark (`local[2]`, 2 GB heap, `LINTAS_LINKAGE_BACKEND=spark`)."
        " Seconds; memory is the peak summed RSS of the process tree (MiB); quality is "
        "pairwise precision / recall / F1 of the clusters against the labels; load is the "
        "1-minute load average before / after the run (2 cores, shared with other work).",
        "",
    ]
    spark_100k_s: float | None = None
    for size in QUICK_SIZES if quick else FULL_SIZES:
        if size > 100_000 and (spark_100k_s is None or spark_100k_s > LARGE_ONLY_UNDER_S):
            took = "did not finish" if spark_100k_s is None else f"took {spark_100k_s:.0f} s"
            lines += [
                f"**{size:,} records**: not run: Spark at 100,000 {took}, over "
                f"{LARGE_ONLY_UNDER_S:.0f} s, so this size would not end within about ten "
                "minutes on this machine.",
                "",
            ]
            continue
        labelled = generate(size, seed=1)
        data = ([x.record for x in labelled], {x.record.id: x.entity for x in labelled})
        with tempfile.TemporaryDirectory(prefix="lintas-bench-spark-") as folder:
            path = Path(folder) / "records.pickle"
            path.write_bytes(pickle.dumps(data))
            results = [_run_child(backend, path) for backend in ("duckdb", "spark")]
        spark = results[1]
        if size == 100_000:
            spark_100k_s = None if spark.get("failed") else spark["total_s"]
        lines += [
            f"**{size:,} records**",
            "",
            "| backend | start | train | score | cluster | total | pairs "
            "| precision / recall / F1 | peak MiB | load |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *(_row(f) for f in results),
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``--child BACKEND FILE`` runs one link and prints its figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.linkage_spark")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("BACKEND", "FILE"))
    args = parser.parse_args(argv)
    if args.child:
        backend, path = args.child
        print(json.dumps(child(backend, Path(path))), flush=True)
        return 0
    print(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
