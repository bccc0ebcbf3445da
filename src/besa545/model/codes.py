"""Every problem code, defined once: its layer, a title and the default hint.

A :class:`~besa545.model.problems.Problem` may only carry a code listed here (or one of
the ``spec-`` family, which names the error type reported by ``frictionless validate``).
``docs/problem-codes.md`` is generated from this list, and the tests fail when a code
is emitted that is not here, or listed here and never provoked by a test.

A problem's own hint, when it gives one, is more precise than the default (it names the
allowed values or the limit); the default is what a problem without one shows.
"""

from __future__ import annotations

from dataclasses import dataclass

# The layers, in the order the validator reports on them.
LAYERS = {
    "files": "the descriptor, paths, bytes, headers and rows of each file",
    "tables": "each column's type and constraints, keys within and across tables",
    "content": "rows tied to the text and to each other; derived files fresh",
    "spec": "what `frictionless validate` reports",
    "validator": "the validator itself",
    "build": "what only `besa545 build` reports, when it cannot write",
}
SPEC_PREFIX = "spec-"
RUN_BUILD = "run `besa545 build`"


@dataclass(frozen=True)
class Code:
    """One kind of problem."""

    code: str
    layer: str
    title: str
    hint: str


CODES: dict[str, Code] = {entry.code: entry for entry in [
    # files
    Code("descriptor-missing", "files", "datapackage.json is missing",
         f"pass the package directory, or {RUN_BUILD}"),
    Code("descriptor-json", "files", "datapackage.json is not valid JSON",
         f"fix the JSON syntax, or regenerate it: {RUN_BUILD}"),
    Code("descriptor-resources", "files", "the descriptor has no list of resources",
         f"regenerate it: {RUN_BUILD}"),
    Code("descriptor-stale", "files", "datapackage.json is not what the build writes",
         f"the descriptor is generated: {RUN_BUILD} (edit schemas/ or model/metadata.py "
         "instead)"),
    Code("path-unsafe", "files", "a path leaves the package or is a symbolic link",
         "replace it with a regular file inside the package: not a symbolic link, a folder "
         "or a special file, and not inside a linked folder"),
    Code("schema-missing", "files", "a table's schema file is missing",
         "restore it from the repository"),
    Code("schema-invalid", "files", "a schema file cannot be used",
         "restore the schema from the repository, or fix what the message names"),
    Code("file-missing", "files", "a file the package lists does not exist", RUN_BUILD),
    Code("file-hash", "files", "a file differs from the size and hash recorded for it",
         f"{RUN_BUILD} to record the edited file"),
    Code("file-unreadable", "files", "a file exists but cannot be opened or read",
         "make the file readable (check its permissions), or restore it from the repository"),
    Code("file-too-large", "files", "a file is too large to read safely",
         "a table this size is not a contribution; check what was committed"),
    Code("file-empty", "files", "a CSV file is empty", "write at least the header row"),
    Code("file-bom", "files", "a file starts with a byte order mark",
         "run `besa545 build`, which rewrites the file in the canonical form (or save it as "
         "UTF-8 without BOM)"),
    Code("file-nul-byte", "files", "a file contains a NUL byte",
         "remove the NUL byte; the file is probably not a text file"),
    Code("file-line-ending", "files", "a file has CR line endings",
         "run `besa545 build`, which rewrites CRLF line endings as LF (or save the file with "
         "LF line endings)"),
    Code("file-encoding", "files", "a file is not valid UTF-8", "save the file as UTF-8"),
    Code("file-unparsable", "files", "a CSV file cannot be parsed",
         "check quoting: every opening quote needs a closing one"),
    Code("header-blank", "files", "a header column name is blank",
         "use the column names of the table's schema"),
    Code("header-duplicate", "files", "a header column appears twice",
         "remove the second one"),
    Code("header-unknown", "files", "a header column is not in the schema",
         "remove it, or add the column to the table's schema first"),
    Code("header-missing", "files", "a schema column is missing from the header",
         "add it, in the schema's order"),
    Code("header-order", "files", "the header's columns are out of the schema's order",
         "use the schema's order"),
    Code("row-field-count", "files", "a row has more or fewer values than the header",
         "add or remove commas so that the row has one value per column"),
    Code("row-blank", "files", "a row is blank", "delete the empty line"),
    Code("cell-too-long", "files", "a cell is over a million bytes",
         "cells hold short passages; check for a missing quote"),
    Code("source-missing", "files", "a paper's raw text is missing",
         "copy the paper into sources/ byte for byte"),
    Code("source-hash", "files", "a paper's raw text differs from its recorded hash",
         "restore the file as received; the source text must not change"),
    Code("file-unexpected", "files", "a file in data/ or sources/ is not one of the package",
         "remove it: data/ holds the tables and data/parquet/ their copies, sources/ the "
         "papers' files"),
    Code("source-shared", "files", "two documents name the same source file",
         "give each document its own raw and plain-text file in sources/"),
    Code("parquet-unreadable", "files", "a Parquet copy cannot be compared with its CSV",
         f"fix the CSV's values, then {RUN_BUILD}"),
    Code("parquet-stale", "files", "a Parquet copy does not hold its CSV's rows", RUN_BUILD),
    Code("parquet-guide", "files", "data/parquet/README.md is missing or not what the build "
         "writes (without it, reading the folder as one dataset mixes the tables)", RUN_BUILD),
    # tables
    Code("not-built", "tables", "a computed cell is empty: the build has not run since",
         f"leave the computed cells empty and {RUN_BUILD}, which fills them"),
    Code("required", "tables", "a required cell is empty",
         "fill the cell; this column may not be empty"),
    Code("unique", "tables", "a value that must be unique appears twice",
         "each value may appear only once in this column; change or remove the duplicate"),
    Code("primary-key", "tables", "two rows share a primary key",
         "two rows share the same primary key; merge them or change one"),
    Code("enum", "tables", "a value is not one of the allowed values",
         "use one of the allowed values listed in the schema"),
    Code("pattern", "tables", "a value does not match the column's pattern",
         "identifiers are lowercase slugs like `donald-trump`: a-z, 0-9 and single hyphens"),
    Code("type-integer", "tables", "a value is not a whole number a 64-bit integer holds",
         "write a whole number without decimals, e.g. 3 (at most 9223372036854775807)"),
    Code("type-number", "tables", "a value is not a number", "write a number, e.g. -4 or 3.5"),
    Code("type-boolean", "tables", "a value is not true or false", "write true or false"),
    Code("spreadsheet-zeros", "tables", "codes lost their leading zeros in a spreadsheet "
         "(said once per column; the foreign-key and pattern problems of those cells are "
         "left out)", "open the CSV with every column as text (LibreOffice: in Text Import "
         "select every column and set Column type to Text; Excel: Data > From Text/CSV, "
         "then set each column's type to Text), or type the zeros back"),
    Code("spreadsheet-dates", "tables", "dates were rewritten in a spreadsheet's format (said "
         "once per column; the type-date problems of those cells are left out)",
         "write each date as YYYY-MM-DD (format the column as Text before typing, or import "
         "the CSV with every column as text); a date like 7/1/2017 is ambiguous, so check it "
         "against the paper"),
    Code("type-date", "tables", "a value is not a real YYYY-MM-DD date from 1678 to 2261",
         "write a real date as YYYY-MM-DD, e.g. 2017-04-30, between 1678-01-01 and "
         "2261-12-31"),
    Code("minimum", "tables", "a number is below the column's minimum",
         "the value is below the smallest allowed"),
    Code("maximum", "tables", "a number is above the column's maximum",
         "the value is above the largest allowed"),
    Code("foreign-key", "tables", "a reference points at no row",
         "use an existing identifier of the referenced table, or add a row there first"),
    Code("foreign-key-table", "tables", "a reference cannot be checked",
         "fix the problems reported for the referenced table first"),
    Code("id-case-duplicate", "tables", "two identifiers differ only by case",
         "identifiers are lowercase; merge the rows or choose a distinct id"),
    # content
    Code("evidence-not-found", "content", "the evidence does not occur in the text",
         "copy the passage exactly from the plain text in sources/"),
    Code("evidence-ambiguous", "content", "the evidence occurs more than once in the text",
         "lengthen the passage until it occurs once"),
    Code("text-not-in-evidence", "content", "a quotation's text is not inside its evidence",
         "make `evidence` a passage that contains `text` exactly once"),
    Code("anchor-text-not-in-evidence", "content",
         "a link's anchor_text is not inside its evidence",
         "make `evidence` a passage that contains `anchor_text` exactly once"),
    Code("offset-mismatch", "content", "recorded offsets differ from where the span is",
         f"{RUN_BUILD}, which fills the offsets from the evidence"),
    Code("quotation-missing", "content", "a quoted passage of the text has no row",
         "add a row to data/quotations.csv for it"),
    Code("quotation-not-quoted", "content", "a quotation row is not a whole quoted passage",
         "give the exact words between the marks, without the closing punctuation"),
    Code("link-missing", "content", "a link of the raw text has no row",
         "add a row to data/links.csv with this anchor_text"),
    Code("link-not-a-link", "content", "a link row is not a link of the raw text",
         "give the exact anchor text of a [anchor](#) link"),
    Code("date-order", "content", "date_start is after date_end",
         "swap them, or correct the one that is wrong"),
    Code("date-precision", "content", "a date interval disagrees with its precision",
         "day: start equals end; month: first to last day of one month; year: 1 January "
         "to 31 December; otherwise use unknown"),
    Code("date-basis", "content", "date_basis is filled without a date, or missing with one",
         "stated when the text gives the date, inferred when deduced"),
    Code("alias-ambiguous", "content", "one alias is given to two actors",
         "keep the alias for the one actor it always denotes"),
    Code("actor-unmentioned", "content", "an actor is never mentioned in the text",
         "add to data/aliases.csv a surface form that occurs in the text"),
    Code("subject-not-in-evidence", "content",
         "neither the evidence nor subject_evidence names the row's subject (holder, "
         "speaker, stated source)",
         "copy into subject_evidence the nearest passage that names it"),
    Code("subject-evidence-not-found", "content",
         "a subject_evidence is not in the text exactly once",
         "copy the passage exactly from the plain text; lengthen it if it occurs twice"),
    Code("same-position-mismatch", "content",
         "same_position_stance_id points at itself, at another document, topic or polarity, "
         "at a stance that points on, or at an unrelated holder's stance",
         "point at the one stance that counts the position"),
    Code("basis-mismatch", "content", "a basis is filled without its value, or missing with it",
         "stated when the paper's words give the value, inferred when read from context"),
    Code("stance-duplicate", "content", "two stances share holder, topic and polarity",
         "keep one row for the position and delete the other"),
    Code("target-missing", "content",
         "a coded event of an action done to someone has no target and no target_unstated",
         "add the party the action is directed at as its target, or set target_unstated"),
    Code("target-unstated-misused", "content",
         "target_unstated is true beside a target row or on an event whose action is not "
         "directed, or is false",
         "set it to true only for a directed coded action without a target row"),
    Code("subject-evidence-unneeded", "content",
         "a subject_evidence where the evidence already names the subject",
         "leave subject_evidence empty"),
    Code("cameo-undone", "content", "a planned, proposed or hypothetical event has a CAMEO code",
         "leave cameo_code empty; code the act of proposing or urging it"),
    Code("role-text-qualifier", "content", "a role_text says 'former' or 'new'",
         "write the office alone; is_former records 'former'"),
    Code("link-target-scheme", "content",
         "a link target or a document's url is not an http or https address",
         "give the address the link pointed to (http:// or https://), or leave it empty"),
    Code("date-text-outside-evidence", "content", "a date_text is not in the row's evidence",
         "lengthen the evidence, or leave date_text empty"),
    Code("cell-whitespace", "content", "a cell has leading or trailing whitespace",
         "remove the spaces or newlines at either end"),
    Code("cell-formula", "content", "a cell starts like a spreadsheet formula",
         "reword the value so that it starts with another character"),
    Code("cell-invisible", "content", "a cell holds an invisible or control character",
         "delete it: copy the text again from the plain text in sources/"),
    Code("cell-unicode", "content", "a cell is not in Unicode NFC form",
         "normalise the text to NFC (compose accents)"),
    Code("source-character", "content",
         "a paper's text holds a control, bidirectional or invisible character",
         "delete it from the raw text in sources/ (it shows as nothing, or reorders what a "
         "reader sees)"),
    Code("source-formula", "content",
         "a paragraph of a paper starts like a spreadsheet formula",
         "a list marker (-, +) is layout: start the item with its words in the raw text"),
    Code("text-stale", "content", "a plain text differs from the one derived from its raw file",
         RUN_BUILD),
    Code("derived-stale", "content", "a derived table differs from what the build derives",
         RUN_BUILD),
    Code("build-interrupted", "files", "a build was interrupted while replacing files",
         f"{RUN_BUILD} to complete it"),
    # the build
    Code("build-write", "build", "the build cannot write a file",
         "make the package writable and free some disk space, then run the build again"),
    Code("build-busy", "build", "another build of the package is running",
         "wait for it to finish, then run the build again if needed"),
    Code("build-input-changed", "build", "an input file changed while the build read it",
         "save your edits, then run the build again"),
    # the validator itself
    Code("validator-crash", "validator", "a check failed on this input",
         "this is a bug in besa545; please report it with the files that trigger it"),
    Code("validator-timeout", "validator", "the time budget ran out before every check ran",
         "the package is not known to be valid; give a larger --time-budget, or look for "
         "an unusually large file"),
]}


def lookup(code: str) -> Code:
    """The registered :class:`Code`; ``spec-<type>`` codes belong to the spec layer.

    Raises ``KeyError`` for any other code: an unregistered code is a bug.
    """
    if code in CODES:
        return CODES[code]
    if code.startswith(SPEC_PREFIX) and len(code) > len(SPEC_PREFIX):
        return Code(code, "spec", f"frictionless reports {code[len(SPEC_PREFIX):]}",
                    "frictionless rejects the package; fix the value it names")
    raise KeyError(f"unregistered problem code {code!r}; add it to besa545.model.codes")
