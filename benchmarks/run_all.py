"""Run every benchmark in this folder, one after another, at its default (full) size.

    python benchmarks/run_all.py            # full sizes (minutes; synthetic data under benchmarks/_data/)
    python benchmarks/run_all.py --quick    # tiny smoke run of each

Each benchmark prints its own figures beside a baseline measured in the same run; the
load average of the machine (``os.getloadavg()``) is printed before and after each, so
a figure measured on a busy machine says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unavailable"
    cores = os.cpu_count() or 1
    state = "idle" if one < 0.5 * cores else "loaded" if one >= cores else "busy"
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {cores} cores: {state}"


def main(argv: list[str]) -> int:
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} {' '.join(argv)}", flush=True)
        print(f"    before: {load()}", flush=True)
        started = time.perf_counter()
        failures += subprocess.call([sys.executable, str(script), *argv]) != 0
        print(f"    after ({time.perf_counter() - started:.0f} s): {load()}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
