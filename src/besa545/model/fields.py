"""Fields that recur across tables, defined once.

The Table Schemas in ``schemas/`` stay plain, self-contained Table Schemas that any
Frictionless tool reads, so a recurring field is written out in each; this registry is
the reference every occurrence must equal (``tests/test_fields.py`` holds them to it),
and the code recognises a slug by comparing with :data:`SLUG`, never by spelling it out.
"""

from __future__ import annotations

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
