"""Fields that recur across tables, defined once.

The Table Schemas in ``schemas/`` stay plain, self-contained Table Schemas that any
Frictionless tool reads, so a recurring field is written out in each; this registry is
the reference every occurrence must equal (``tests/test_fields.py`` holds them to it),
and the code recognises a slug by comparing with :data:`SLUG`, never by spelling it out.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# An identifier: lowercase ASCII letters and digits in words joined by single hyphens.
# Frictionless anchors a pattern as ^pattern$ without a group, so alternatives stay
# inside parentheses.
SLUG = "[a-z0-9]+(-[a-z0-9]+)*"

# Offsets into the plain text: computed by the build, never edited.
OFFSET: dict[str, Any] = {"type": "integer", "x-computed": True,
                          "constraints": {"required": True, "minimum": 0}}

# For each recurring field, the keys every occurrence shares (its description may differ,
# and whether it is unique depends on whether the table is keyed by it).
SHARED: dict[str, dict[str, Any]] = {
    "document_id": {"type": "string", "constraints": {"required": True, "pattern": SLUG}},
    "evidence": {"type": "string", "constraints": {"required": True}},
    "char_start": OFFSET,
    "char_end": OFFSET,
}
# Fields named like this are identifiers of the dataset's rows: their pattern is SLUG.
ID_SUFFIX = "_id"
# ...except these, which are identifiers from elsewhere with a pattern of their own.
FOREIGN_IDENTIFIERS = frozenset({"wikidata_id"})

# The rules every text cell is held to, whatever its column's pattern or enum.
FORMULA_START = ("=", "+", "-", "@")
# Control, format (zero-width, bidirectional override), separator and surrogate
# characters: invisible in an editor, they make two equal-looking values differ. (A line
# break is allowed in free text; a NUL byte is reported for the whole file.)
INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def is_invisible(character: str) -> bool:
    return unicodedata.category(character) in INVISIBLE


def cell_faults(value: str) -> list[tuple[str, str, str]]:
    """What makes ``value`` unsafe or unclear as a cell, a schema's enum value, name or
    description: (problem code, message, hint) for each rule it breaks."""
    found = []
    if value != value.strip():
        found.append(("cell-whitespace", "has leading or trailing whitespace",
                      "remove the spaces or newlines at either end"))
    if value.startswith(FORMULA_START):
        found.append(("cell-formula",
                      "starts with =, +, - or @, which spreadsheets run as a formula",
                      "reword the value so that it starts with another character"))
    hidden = sorted({character for character in value if character not in "\n\x00"
                     and is_invisible(character)})
    if hidden:
        found.append(("cell-invisible", "contains an invisible or control character ("
                      + ", ".join(f"U+{ord(character):04X}" for character in hidden) + ")",
                      "delete it: copy the text again from the plain text in sources/"))
    if not unicodedata.is_normalized("NFC", value):
        found.append(("cell-unicode", "is not in Unicode NFC form",
                      "normalise the text to NFC (compose accents)"))
    return found
