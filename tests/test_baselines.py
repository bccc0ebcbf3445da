"""The text-only baselines' scores published in docs/scoring.md are the ones the script
computes now, and the baselines see nothing but the text."""

from __future__ import annotations

import importlib.util
import inspect

from helpers import ROOT

spec = importlib.util.spec_from_file_location(
    "text_only", ROOT / "benchmarks" / "baselines" / "text_only.py")
text_only = importlib.util.module_from_spec(spec)
spec.loader.exec_module(text_only)


def test_the_published_baseline_scores_are_fresh():
    document = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    assert text_only.refreshed(document) == document, (
        "docs/scoring.md is stale: run `make data`, which refreshes it")


def test_the_baselines_read_only_the_text():
    for function in (text_only.mentions, text_only.quotations):
        source = inspect.getsource(function)
        assert "besa545" not in source and "load" not in source, function.__name__
    assert text_only.mentions("Rex Tillerson met Xi.") == [
        {"actor_id": "Rex Tillerson", "char_start": 0, "char_end": 13},
        {"actor_id": "Xi", "char_start": 18, "char_end": 20}]
    assert text_only.quotations('Moon said "dialogue is necessary."') == [
        {"char_start": 11, "char_end": 32, "quote_kind": "direct",
         "speaker_actor_id": "Moon"}]
