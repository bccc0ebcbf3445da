"""Two extraction baselines that read nothing but the plain text of the paper, scored with
``besa545 score``: the floor any real tool must beat.

- **Capitalised names as mentions**: every run of capitalised words (``North Korea``,
  ``Rex Tillerson``, ``Beijing``) is a mention of the actor of that name; the scorer
  resolves a name that equals an actor's name or alias, and any other is wrong.
- **Quotation marks as quotations**: every passage between straight or curly double
  quotation marks is a direct quotation, its speaker the last capitalised name before it
  in the same sentence (none if there is none).

Neither sees a table, an alias list or the annotation guide.

    .venv/bin/python benchmarks/baselines/text_only.py            # print the scores
    .venv/bin/python benchmarks/baselines/text_only.py --write    # refresh docs/scoring.md

``tests/test_baselines.py`` fails when the scores in ``docs/scoring.md`` are not the
ones this script computes now.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tempfile
from pathlib import Path

import besa545

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scoring.md"
BEGIN = "<!-- BEGIN GENERATED: baselines (run benchmarks/baselines/text_only.py --write) -->"
END = "<!-- END GENERATED: baselines -->"
NAME = re.compile(r"[A-Z][\w'-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w'-]*)*")
QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”')
CLOSING = ".,;:!?"


def mentions(text: str) -> list[dict[str, object]]:
    return [{"actor_id": match.group(), "char_start": match.start(), "char_end": match.end()}
            for match in NAME.finditer(text)]


def quotations(text: str) -> list[dict[str, object]]:
    rows = []
    for match in QUOTED.finditer(text):
        group = 1 if match.group(1) is not None else 2
        start, end = match.start(group), match.end(group)
        while end > start and text[end - 1] in CLOSING:
            end -= 1
        sentence_start = max(text.rfind(". ", 0, match.start()), text.rfind("\n", 0,
                                                                            match.start()))
        names = list(NAME.finditer(text, sentence_start + 1, match.start()))
        rows.append({"char_start": start, "char_end": end, "quote_kind": "direct",
                     "speaker_actor_id": names[-1].group() if names else ""})
    return rows


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def scores() -> dict[str, dict[str, object]]:
    """Each baseline's measures, as ``besa545.score`` gives them."""
    text = besa545.text()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        _write(folder / "mentions.csv", mentions(text))
        _write(folder / "quotations.csv", quotations(text))
        return besa545.score(folder)["tasks"]


def block() -> str:
    """The generated part of docs/scoring.md: the baselines' scores."""
    tasks = scores()
    lines = [BEGIN, "", "| baseline | task | measure | precision | recall | F1 | tp | fp | fn |",
             "|---|---|---|---|---|---|---|---|---|"]
    for task, baseline in (("mentions", "capitalised names"),
                           ("quotations", "quotation marks")):
        for measure, value in tasks[task].items():
            if isinstance(value, dict) and "f1" in value:
                lines.append(f"| {baseline} | {task} | {measure} | {value['precision']:.3f} | "
                             f"{value['recall']:.3f} | {value['f1']:.3f} | {value['tp']} | "
                             f"{value['fp']} | {value['fn']} |")
    kind, speaker = tasks["quotations"]["quote_kind"], tasks["quotations"]["speaker"]
    lines += ["", f"On the quotations it matches, the quotation-mark baseline gets the kind "
                  f"right {kind['correct']} times of {kind['matched']} (it calls every one "
                  f"direct) and the speaker {speaker['correct']} of {speaker['matched']}.",
              "", END]
    return "\n".join(lines)


def refreshed(document: str) -> str:
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + block() + document[end:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="refresh docs/scoring.md")
    if parser.parse_args().write:
        DOC.write_text(refreshed(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(block())
    return 0


if __name__ == "__main__":
    sys.exit(main())
