"""Run every benchmark in this folder, one after another, at its default (full) size.

    python benchmarks/run_all.py            # full sizes (minutes; synthetic data under benchmarks/_data/)
    python benchmarks/run_all.py --quick    # tiny smoke run of each

Each benchmark prints its own figure beside a baseline measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.name} {' '.join(argv)}", flush=True)
        failures += subprocess.call([sys.executable, str(script), *argv]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
