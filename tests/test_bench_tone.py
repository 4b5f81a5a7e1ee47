"""The tone benchmark runs end to end (--quick) and reports identical scores beside the baseline."""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_benchmark


@pytest.mark.slow
def test_bench_tone_quick_run():
    stdout = run_benchmark("bench_tone.py", "--quick")
    out = stdout
    assert re.search(r"^corpus\s+30,000 sentences, 24,000 distinct \(20\.0% repeats\)", out, re.M)
    assert re.search(r"^baseline\s+plain polarity_scores loop: [\d.]+ s, [\d,]+ sentences/s \(load [\d.]+\)$",
                     out, re.M)
    runs = re.findall(
        r"^(?:score_tone|fast engine).*x([\d.]+) the baseline \(load [\d.]+\), scores identical: (\w+)$",
        out, re.M)
    assert len(runs) == 3 and all(same == "True" for _, same in runs)
    assert all(float(ratio) > 0 for ratio, _ in runs)
