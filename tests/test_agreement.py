"""The agreement of the two readings, as published in docs/benchmark.md and README.md, is
what benchmarks/agreement/agreement.py computes now; kappa is computed right."""

from __future__ import annotations

import importlib.util

import pytest

from helpers import ROOT

spec = importlib.util.spec_from_file_location(
    "agreement", ROOT / "benchmarks" / "agreement" / "agreement.py")
agreement = importlib.util.module_from_spec(spec)
spec.loader.exec_module(agreement)


@pytest.fixture(scope="module")
def generated() -> str:
    return agreement.block()


@pytest.mark.parametrize("path", ["docs/benchmark.md", "README.md"])
def test_the_published_agreement_is_fresh(generated, path):
    document = (ROOT / path).read_text(encoding="utf-8")
    assert agreement.refreshed(document, generated) == document, (
        f"{path} is stale: run benchmarks/agreement/agreement.py --write")


def test_kappa_is_cohens():
    # 2 raters, 10 items: 7 agree; rater A says yes 6 times, rater B 5 times
    pairs = ([("yes", "yes")] * 4 + [("no", "no")] * 3 + [("yes", "no")] * 2
             + [("no", "yes")] * 1)
    chance = (6 * 5 + 4 * 5) / 100
    assert agreement.kappa(pairs) == pytest.approx((0.7 - chance) / (1 - chance))
    assert agreement.kappa([("a", "a")] * 3) == 1.0
    assert agreement.kappa([]) is None
