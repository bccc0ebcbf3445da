"""The ``besa545`` command line: build, validate, info, cite, score, show, diff, html, export.

Exit status: 0 when all is well, 1 when problems were found, 2 for a usage error, 130 when
interrupted and 141 when the reader of the output stopped reading (``| head``), as for
any program ended by a closed pipe. User errors print one ``Error: ...`` line with a
hint, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from besa545.model import metadata
from besa545.model.metadata import __version__
from besa545.model.paths import HERE, package_path
from besa545.model.problems import ProblemsError, printable

OK, PROBLEMS, USAGE = 0, 1, 2
BROKEN_PIPE = 128 + 13  # what a shell reports for a program ended by SIGPIPE


def _seconds(text: str) -> float:
    """A time budget: a positive, finite number of seconds (nan, inf and 0 are refused)."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0 or value > 10**6:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds "
                                         "(at most 1000000)")
    return value


class UsageError(Exception):
    """The command was called wrongly; the message says how to call it."""


def entry() -> NoReturn:
    """The ``besa545`` and ``python -m besa545`` process: :func:`main`, its output flushed,
    then the process ends at once with its status. The interpreter's own shutdown is
    skipped because Arrow's native thread pools, torn down while a worker thread is still
    alive, can abort it (``terminate called without an active exception``, status -6,
    apache/arrow#34314) after the report was printed; every file the commands write is
    closed before they return."""
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that left early
            stream.flush()
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    arguments = parser.parse_args(argv)
    if not hasattr(arguments, "run"):
        parser.print_help()
        return USAGE
    try:
        status: int = arguments.run(arguments)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        # The reader stopped reading (`besa545 show --all | head`): a normal end. Point
        # stdout at /dev/null so that the interpreter's own flush at exit is silent too.
        _silence_stdout()
        return BROKEN_PIPE
    except UsageError as error:
        print(f"Error: {printable(str(error))}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return 130


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass  # stdout is not a file (tests capture it): nothing will flush to the pipe


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="besa545", description="BESA Perspectives Paper 545 as a validated data package.")
    parser.add_argument("--version", action="version", version=f"besa545 {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser("build", help="rebuild every derived file from data/*.csv",
                                description="Fill computed columns, check, and write the "
                                "CSVs, Parquet files, plain text and datapackage.json.")
    build.add_argument("--root", type=Path, default=None,
                       help="repository checkout to build (default: this package)")
    build.set_defaults(run=run_build)

    validate = commands.add_parser("validate", help="check a data package",
                                   description="Check files, tables, content and the "
                                   "Frictionless spec; report each problem with file, line, "
                                   "column and a hint.")
    validate.add_argument("path", nargs="?", type=Path, default=None,
                          help="package directory or its datapackage.json (default: this package)")
    validate.add_argument("--format", choices=("text", "json", "github"), default="text",
                          help="text (default), json, or github (Actions annotations)")
    validate.add_argument("--no-spec", action="store_true",
                          help="skip `frictionless validate` (slow on very large packages)")
    validate.add_argument("--time-budget", type=_seconds, default=None, metavar="SECONDS",
                          help="stop starting checks after this long and report "
                          "validator-timeout (default: no limit)")
    validate.set_defaults(run=run_validate)

    info = commands.add_parser("info", help="version, tables with row counts, how to cite")
    info.set_defaults(run=run_info)

    cite = commands.add_parser("cite", help="how to cite the dataset and the paper",
                               description="Print the citation of the dataset and of the "
                               "paper it encodes.")
    cite.add_argument("--format", choices=("apa", "bibtex", "cff"), default="apa",
                      help="apa (default), bibtex, or cff (CITATION.cff)")
    cite.set_defaults(run=run_cite)

    score = commands.add_parser("score", help="score an extraction tool's output against "
                                "the dataset", description="Precision, recall and F1 per "
                                "task of a directory of prediction CSVs (docs/scoring.md).")
    score.add_argument("predictions", type=Path, help="directory of prediction CSV files")
    score.add_argument("--gold", type=Path, default=None,
                       help="package to score against (default: this package)")
    score.add_argument("--format", choices=("text", "json"), default="text",
                       help="text (default) or json")
    score.set_defaults(run=run_score)

    show = commands.add_parser("show", help="a paragraph with every annotation inside it",
                               description="Print paragraphs of the paper with the actors, "
                               "events, quotations, links and stances annotated in them.")
    target = show.add_mutually_exclusive_group(required=True)
    target.add_argument("paragraph", nargs="?", help="position (e.g. 12) or paragraph_id")
    target.add_argument("--all", action="store_true", help="walk the whole paper")
    show.set_defaults(run=run_show)

    compare = commands.add_parser(
        "diff", help="what changed between two versions, and whether it breaks users' code",
        description="Rows added, removed and changed per table (by primary key, column by "
        "column) and schema changes, with the release they call for: major (something "
        "removed or retyped), minor (added), patch (cells corrected). OLD and NEW are "
        "package folders or git revisions of this checkout; NEW defaults to the working "
        "tree.")
    compare.add_argument("old", metavar="OLD", help="a package folder or a git revision")
    compare.add_argument("new", metavar="NEW", nargs="?", default=None,
                         help="a package folder or a git revision (default: the working "
                              "tree)")
    compare.add_argument("--format", choices=("text", "json"), default="text")
    compare.add_argument("--check-changelog", action="store_true",
                         help="fail (exit 1) when the Unreleased section of NEW's CHANGELOG.md "
                              "does not describe the diff: unchanged, a breaking change not "
                              "marked, a row named that did not change or one not named")
    compare.set_defaults(run=run_diff)
    page = commands.add_parser("html", help="the paper with every annotation as one HTML page",
                               description="Write a self-contained HTML page (no network "
                               "access, opens from disk) showing the paper with every "
                               "located row highlighted, a details panel and filters.")
    page.add_argument("out", nargs="?", type=Path, default=None,
                      help=f"file to write, - for standard output (default: {EXPLORER} "
                      "in a repository checkout, besa545-explorer.html in the current folder "
                      "otherwise)")
    page.set_defaults(run=run_html)

    from besa545.use.export import EXPORTS

    export = commands.add_parser("export", help="the dataset for another tool ("
                                 f"{', '.join(EXPORTS)})",
                                 description="Write the dataset in another tool's format. "
                                 + " ".join(f"{name}: {chosen.what}."
                                            for name, chosen in EXPORTS.items()))
    export.add_argument("--format", required=True, choices=tuple(EXPORTS),
                        help="one of the formats described above")
    files = [name for name, chosen in EXPORTS.items() if not chosen.is_directory]
    export.add_argument("out", type=Path,
                        help=f"the file ({', '.join(files)}; - for standard output) or "
                        "directory (the others) to write")
    export.add_argument("--force", action="store_true",
                        help="replace OUT if it exists (only an earlier export of the format)")
    export.set_defaults(run=run_export)
    return parser


def _needs_the_validate_extra(command: str) -> None:
    """A one-line usage error when the validator's libraries are missing or too old."""
    from besa545.check.scheduler import ExtraMissing, needs_the_validate_extra

    try:
        needs_the_validate_extra(f"besa545 {command}")
    except ExtraMissing as error:
        raise UsageError(str(error)) from None


def run_build(arguments: argparse.Namespace) -> int:
    _needs_the_validate_extra("build")
    from besa545.assemble.pipeline import build

    root = _existing_dir(arguments.root) if arguments.root else package_path()
    if arguments.root is None and root == HERE:  # the data inside an installed wheel
        raise UsageError(f"this besa545 is installed (its data is in {root}), and an installed "
                         "package is not rebuilt in place; run `besa545 build` in a "
                         "repository checkout, or pass --root with one")
    if not (root / "schemas").is_dir() or not (root / "data").is_dir():
        raise UsageError(f"{root} is not a besa545 package (it needs schemas/ and data/); "
                         "pass --root with a repository checkout")
    try:
        counts = build(root)
    except ProblemsError as error:
        from besa545.model.problems import Report

        print(Report(error.problems).to_text(), file=sys.stderr)
        print("build failed: nothing was written", file=sys.stderr)
        return PROBLEMS
    print(f"built {len(counts)} tables, {sum(counts.values())} rows, in "
          f"{printable(str(root))}")
    return OK


def run_validate(arguments: argparse.Namespace) -> int:
    _needs_the_validate_extra("validate")
    from besa545.check.scheduler import validate

    path = arguments.path
    if path is not None and not path.exists():
        raise UsageError(f"{path} does not exist; pass a package directory or its "
                         "datapackage.json")
    report = validate(path, spec=not arguments.no_spec, time_budget=arguments.time_budget)
    output = {"text": report.to_text, "json": report.to_json,
              "github": report.to_github}[arguments.format]()
    if output:
        print(output)
    return OK if report.ok else PROBLEMS


def run_info(arguments: argparse.Namespace) -> int:
    from besa545.model.schema import table_names

    root = package_path()
    print(f"besa545 {__version__}: {lines(metadata.TITLE)}")
    print(f"package: {printable(str(root))}")
    print("tables (rows):")
    for name in table_names():
        print(f"  {name:<20} {count_rows(root / 'data' / f'{name}.csv'):>6}")
    from besa545.use.cite import render_citation

    print("cite as:")
    print(lines(render_citation("apa").rstrip()))
    print("(besa545 cite --format bibtex|apa|cff for other formats)")
    return OK


def run_cite(arguments: argparse.Namespace) -> int:
    from besa545.use.cite import render_citation

    print(lines(render_citation(arguments.format)), end="")
    return OK


def lines(text: str) -> str:
    """Text for a terminal: its lines kept, every control, bidirectional or invisible
    character inside them escaped (as validate's report is), whatever the data holds."""
    return "\n".join(map(printable, text.split("\n")))


def count_rows(path: Path) -> int:
    """Data rows of a CSV file (records, so multi-line values count once)."""
    if not path.is_file():
        return 0
    with path.open(encoding="utf-8", newline="") as stream:
        return max(sum(1 for _ in csv.reader(stream)) - 1, 0)


def run_score(arguments: argparse.Namespace) -> int:
    from besa545.use.score import ScoreError, as_text, score

    try:
        result = score(arguments.predictions, arguments.gold)
    except ScoreError as error:
        raise UsageError(f"{error} (see docs/scoring.md for the prediction format)") from None
    print(json.dumps(result, indent=2) if arguments.format == "json" else lines(as_text(result)))
    return OK


def run_show(arguments: argparse.Namespace) -> int:
    from besa545.use.show import render_paragraphs

    try:
        print(lines(render_paragraphs(None if arguments.all else arguments.paragraph)))
    except LookupError as error:
        raise UsageError(str(error.args[0])) from None
    return OK


EXPLORER = "docs/explorer.html"
STDOUT = Path("-")  # where a file is asked for, - is standard output


def run_diff(arguments: argparse.Namespace) -> int:
    from besa545.use.diff import DiffError, diff

    unsaid: list[str] | None = [] if arguments.check_changelog else None
    try:
        found = diff(arguments.old, arguments.new, checkout=package_path(), changelog=unsaid)
    except DiffError as error:
        raise UsageError(str(error)) from None
    print(lines(found.to_json() if arguments.format == "json" else found.to_text()))
    for problem in unsaid or []:
        print(f"CHANGELOG.md: {printable(problem)}", file=sys.stderr)
    return PROBLEMS if unsaid else OK


def run_html(arguments: argparse.Namespace) -> int:
    from besa545.model.paths import NotOurFile
    from besa545.use.explorer import write_explorer

    out = arguments.out
    if out == STDOUT:
        from besa545.use.explorer import render_explorer

        sys.stdout.write(render_explorer())
        return OK
    if out is None:
        root = package_path()
        out = Path("besa545-explorer.html") if root == HERE else root / EXPLORER
    if out.is_dir():
        raise UsageError(f"{out} is a directory; pass the path of the HTML file to write")
    _not_out_of_the_checkout(out)
    try:
        written = write_explorer(out)
    except NotOurFile as error:
        raise UsageError(f"{error}; it was left as it is: pass the path of a new file, "
                         "or of a page besa545 html wrote") from None
    except OSError as error:
        raise UsageError(f"cannot write {out}: {error.strerror or error}") from None
    print(f"wrote {printable(str(written))}")
    return OK


def run_export(arguments: argparse.Namespace) -> int:
    from besa545.use.export import EXPORTS, ExportError, OutputExistsError, export

    if arguments.out == STDOUT:
        content = EXPORTS[arguments.format].write()
        if not isinstance(content, bytes):
            raise UsageError(f"a {arguments.format} export is a directory: pass its path, "
                             "not - (standard output takes a one-file format)")
        sys.stdout.flush()
        sys.stdout.buffer.write(content)
        return OK
    _not_out_of_the_checkout(arguments.out)
    try:
        written = export(arguments.format, arguments.out, force=arguments.force)
    except OutputExistsError as error:
        raise UsageError(f"{error}; pass --force to replace it, or choose another path") \
            from None
    except ExportError as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {arguments.out}: {error.strerror or error}") from None
    print(f"wrote {printable(str(written))} ({arguments.format})")
    return OK


def _not_out_of_the_checkout(out: Path) -> None:
    """A path inside the checkout is written there, never through a folder that is a
    symbolic link out of it (a pull request can commit one)."""
    from besa545.model.paths import leads_out_of

    if leads_out_of(package_path(), out):
        raise UsageError(f"{printable(str(out))} is inside the checkout, but a symbolic link "
                         "in its folders leads outside it: nothing was written; remove the "
                         "link, or pass a path outside the checkout")


def _existing_dir(path: Path) -> Path:
    if not path.is_dir():
        raise UsageError(f"{path} is not a directory")
    return path.resolve()


if __name__ == "__main__":
    sys.exit(main())
