"""The README's Python snippets run as written, one after the other as a reader would
paste them, and what the text says about their results holds."""

from __future__ import annotations

import contextlib
import io
import os
import re

import pandas as pd

import besa545
from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def _run_snippets() -> tuple[dict[str, object], str]:
    namespace: dict[str, object] = {}
    output = io.StringIO()
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(output):
            for snippet in SNIPPETS:
                exec(compile(snippet, "README.md", "exec"), namespace)
    finally:
        os.chdir(here)
    return namespace, output.getvalue()


def test_the_snippets_run_and_print_what_they_compute():
    assert len(SNIPPETS) >= 2
    namespace, printed = _run_snippets()
    first = besa545.load("events")["label"].iloc[0]
    assert first[:30] in printed  # the first events (pandas may cut a long label)
    assert "quote_id" in printed or "medium" in printed  # the count by medium
    assert printed.count("\n") > 10
    assert isinstance(namespace["direct"], pd.DataFrame)


def test_what_the_readme_says_about_dtypes_and_missing_values_holds():
    events = besa545.load("events")
    assert "typed: categoricals, int64, datetime64" in README
    assert isinstance(events["event_type"].dtype, pd.CategoricalDtype)
    assert str(events["date_start"].dtype) == "datetime64[ns]"
    assert str(events["char_start"].dtype) == "int64"
    assert pd.isna(events["cameo_code"]).any() and pd.isna(events["date_start"]).any()
    assert str(events["date_start"][events["date_start"].isna()].iloc[0]) == "NaT"
    # "every integer column of the current tables is required, so all are plain int64"
    for name in besa545.tables():
        for field in besa545.schema(name)["fields"]:
            if field["type"] == "integer":
                assert field.get("constraints", {}).get("required"), (name, field["name"])
                assert str(besa545.load(name)[field["name"]].dtype) == "int64"


def test_the_sql_example_gives_every_direct_quotation():
    namespace, _ = _run_snippets()
    quotations = besa545.load("quotations")
    direct = quotations[quotations["quote_kind"] == "direct"]
    assert len(namespace["direct"]) == len(direct)
    unnamed = direct["speaker_actor_id"].isna().sum()
    assert namespace["direct"]["speaker"].isna().sum() == unnamed
