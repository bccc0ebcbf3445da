"""How far two independent readings of the paper agree: the second reading
(``benchmarks/agreement/second-reading/``, made from the paper, the annotation guide and
the schemas only; see its NOTE.md) scored against the dataset with ``besa545 score``, and
Cohen's kappa for the categorical fields on the items both readings have.

    .venv/bin/python benchmarks/agreement/agreement.py

It prints the figures for the data of the checkout it runs in. The figures published in
``docs/scoring.md`` and ``README.md`` are a dated measurement (the commit they were
measured at is named there), made before any disagreement was adjudicated: later changes
to the data do not make them stale, since the second reading answers the data of its time.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import besa545
from besa545.use.score import Matched, match

ROOT = Path(__file__).resolve().parents[2]
READING = ROOT / "benchmarks" / "agreement" / "second-reading"


def kappa(pairs: list[tuple[Any, Any]]) -> float | None:
    """Cohen's kappa of two label sequences given as pairs; None without pairs, 1.0 when
    both readings use one and the same label throughout."""
    if not pairs:
        return None
    agreed = sum(left == right for left, right in pairs) / len(pairs)
    first, second = Counter(left for left, _ in pairs), Counter(right for _, right in pairs)
    chance = sum(first[label] * second[label] for label in first) / len(pairs) ** 2
    return 1.0 if chance == 1 else (agreed - chance) / (1 - chance)


def _labels(matched: Matched, table: str, field: str) -> list[tuple[Any, Any]]:
    """The field's values in the second reading and in the dataset, for each pair of
    spans that lenient matching paired."""
    mine = matched.predicted[table][field].to_pylist()
    theirs = matched.gold[table][field].to_pylist()
    return [(mine[left], theirs[right]) for left, right in matched.pairs.tolist()]


def kappas() -> dict[str, tuple[float | None, int]]:
    """Kappa and the number of matched items, per categorical field."""
    matched = match(READING)
    found: dict[str, tuple[float | None, int]] = {}
    for table, field in (("quotations", "quote_kind"), ("events", "event_type"),
                         ("events", "status")):
        labels = _labels(matched[table], table, field)
        found[f"{table}.{field}"] = (kappa(labels), len(labels))
    stances = matched["stances"]
    by_pair = {(row["holder_actor_id"], row["topic_id"]): row["polarity"]
               for row in stances.gold["stances"].to_pylist()}
    labels = [(row["polarity"], by_pair[(row["holder_actor_id"], row["topic_id"])])
              for row in stances.predicted["stances"].to_pylist()
              if (row["holder_actor_id"], row["topic_id"]) in by_pair]
    found["stances.polarity"] = (kappa(labels), len(labels))
    events = matched["events"]
    to_gold = dict(_labels(events, "events", "event_id"))
    roles = {(row["event_id"], row["actor_id"]): row["role"]
             for row in events.gold["event_participants"].to_pylist()}
    labels = [(row["role"], roles[(to_gold[row["event_id"]], row["actor_id"])])
              for row in events.predicted["event_participants"].to_pylist()
              if (to_gold.get(row["event_id"]), row["actor_id"]) in roles]
    found["event_participants.role"] = (kappa(labels), len(labels))
    return found


def block() -> str:
    tasks = besa545.score(READING)["tasks"]
    lines = ["| task | measure | F1 | precision | recall |", "|---|---|---|---|---|"]
    for task, measures in tasks.items():
        for measure, value in measures.items():
            if "f1" in value:
                lines.append(f"| {task} | {measure} | {value['f1']:.3f} | "
                             f"{value['precision']:.3f} | {value['recall']:.3f} |")
    lines += ["", "| field (on items both readings have) | Cohen's kappa | items |",
              "|---|---|---|"]
    for field, (value, count) in kappas().items():
        shown = "-" if value is None else f"{value:.3f}"
        lines.append(f"| `{field}` | {shown} | {count} |")
    return "\n".join(lines)


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    print(block())
    return 0


if __name__ == "__main__":
    sys.exit(main())
