"""``python -m bench [names...] [--quick]``: run benchmarks and update docs/benchmarks.md.

Each benchmark owns the part of the file between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->``; a run replaces only the sections of the benchmarks it ran. A
``--quick`` run (a smoke test) only prints its sections, unless ``--output`` names a file:
its figures must not replace real ones in the documentation.
"""

from __future__ import annotations

import argparse
import importlib
import re
import shlex
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import machine_summary

type Benchmark = Callable[[bool], str]

PROJECT_DIR = Path(__file__).resolve().parent.parent
DOC = PROJECT_DIR / "docs" / "benchmarks.md"
DOC_HEAD = """# Benchmarks

Written by `make bench` (`python -m bench [names...]`). Each benchmark replaces its own
section, between its `bench:` comments, and leaves the others as they are. A `--quick` run
is a smoke test on a small database: it prints its sections and writes none here.
"""


def _lazy(target: str) -> Benchmark:
    """A benchmark imported only when it runs, so one broken module does not stop the rest."""
    module_name, _, attr = target.partition(":")

    def run(quick: bool) -> str:
        function: Benchmark = getattr(importlib.import_module(module_name), attr)
        return function(quick)

    return run


# name -> callable(quick) -> Markdown section body. Add a benchmark with one line here.
BENCHMARKS: dict[str, Benchmark] = {
    "registration": _lazy("bench.registration:run"),
    "name_matching": _lazy("bench.name_matching:run"),
    "watchlist_cli": _lazy("bench.watchlist_cli:run"),
    "sync": _lazy("bench.sync:run"),
    "linkage": _lazy("bench.linkage:run"),
    "linkage_spark": _lazy("bench.linkage_spark:run"),
    "mobile": _lazy("bench.mobile:run"),
}


def _shown(path: Path) -> str:
    """``path`` relative to the project folder when it is inside it."""
    try:
        return str(path.relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)


def _command(argv: list[str]) -> str:
    return shlex.join([_shown(Path(sys.executable)), "-m", "bench", *argv])


def section(name: str, body: str, *, command: str, quick: bool) -> str:
    """The whole section of one benchmark, with its delimiters and context lines."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = " (quick: smoke test only)" if quick else ""
    return (
        f"<!-- bench:{name} -->\n"
        f"## {name}{mode}\n\n"
        f"- Machine: {machine_summary()}\n"
        f"- Date: {when}\n"
        f"- Command: `{command}` (from the project folder)\n\n"
        f"{body.strip()}\n"
        f"<!-- /bench:{name} -->"
    )


def update_document(text: str, name: str, new_section: str) -> str:
    """``text`` with the section of ``name`` replaced, or appended when it is not there yet."""
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
    )
    if pattern.search(text):
        return pattern.sub(lambda _match: new_section, text, count=1)
    return text.rstrip("\n") + "\n\n" + new_section + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the named benchmarks (all by default) and write their sections."""
    args_list = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run: {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"Markdown file to update (default: {_shown(DOC)}; none with --quick)",
    )
    args = parser.parse_args(args_list)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    command = _command(args_list)
    output: Path | None = args.output or (None if args.quick else DOC)
    for name in args.names or list(BENCHMARKS):
        print(f"== bench {name}{' (quick)' if args.quick else ''}", flush=True)
        body = BENCHMARKS[name](args.quick)
        print(body, flush=True)
        if output is None:
            continue
        text = output.read_text(encoding="utf-8") if output.exists() else DOC_HEAD
        text = update_document(text, name, section(name, body, command=command, quick=args.quick))
        output.parent.mkdir(parents=True, exist_ok=True)
        # Written after each benchmark, so a later failure does not lose an earlier result.
        output.write_text(text, encoding="utf-8")
        print(f"== {name}: section written to {output}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
