"""Benchmarks of Lintas, run by ``make bench`` (``python -m bench``) into docs/benchmarks.md.

A benchmark is a callable ``(quick: bool) -> str`` that returns the Markdown body of its own
section; ``bench.__main__`` runs the named ones and heads each section with the machine,
the date and the command, so that a figure is never read without its context.
"""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path


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
