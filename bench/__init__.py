"""Benchmarks of Lintas, run by ``make bench`` (``python -m bench``) into docs/benchmarks.md.

A benchmark is a callable ``(quick: bool) -> str`` that returns the Markdown body of its own
section; ``bench.__main__`` runs the named ones and heads each section with the machine,
the date and the command, so that a figure is never read without its context.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def lintas_command(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """Run ``lintas ARGS`` in this interpreter with ``env``; its output, or an error with it."""
    done = subprocess.run(
        [sys.executable, "-m", "lintas", *args],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"lintas {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    return done.stdout


def _first_line(path: Path, prefix: str) -> str:
    try:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line
    except OSError:
        pass
    return ""


def machine_summary() -> str:
    """One Markdown line on the machine: CPU model, cores, RAM, OS, Python and SQLite."""
    cpu = _first_line(Path("/proc/cpuinfo"), "model name") or platform.processor() or "unknown"
    mem_kib = _first_line(Path("/proc/meminfo"), "MemTotal").split()
    ram = f"{int(mem_kib[0]) / 1024 / 1024:.1f} GiB RAM" if mem_kib else "RAM unknown"
    pretty = _first_line(Path("/etc/os-release"), "PRETTY_NAME=")
    os_name = pretty.split("=", 1)[-1].strip('"') if pretty else platform.system()
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram}; {os_name} (kernel {platform.release()}); "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )
