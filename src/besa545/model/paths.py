"""Where the package's files are: inside an installed wheel or in a repository checkout.

A wheel carries ``datapackage.json``, ``schemas/``, ``data/`` and ``sources/`` inside the
``besa545`` package; an editable install or a checkout keeps them at the repository root,
two levels above the package. The first place that holds ``schemas/`` wins.
"""

from __future__ import annotations

import errno
import io
import mmap
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

from besa545.model.problems import Problem

HERE = Path(__file__).resolve().parent.parent  # the besa545 package
DESCRIPTOR = "datapackage.json"
# The same package with the typed Parquet copies as its resources, for Frictionless tools.
PARQUET_DESCRIPTOR = "datapackage-parquet.json"
# A file that is not Parquet, in the folder of the Parquet copies: a reader asked for the
# whole folder stops at it (its name first in sorted order) instead of mixing fourteen
# tables under one table's columns; its text says what to read instead.
PARQUET_GUIDE = "data/parquet/README.md"
PARQUET_GUIDE_TEXT = """\
# One Parquet file per table

Each file in this folder is one table of the besa545 package, with its own columns. Read
one file at a time, for example `pandas.read_parquet("data/parquet/events.parquet")`, or
`besa545.load("events")` once the package is installed.

Read as one dataset, the folder would mix the tables: pandas, pyarrow, Dask and Spark
would return every table's rows under one table's columns. This file is here so that
they stop with an error naming it instead. The build writes it; `besa545 validate`
reports it missing or changed.
"""
# How the build replaces its files all at once (see besa545.assemble.pipeline.write_atomically):
# new files wait under a staging name beside their target, and a journal lists the renames.
JOURNAL = ".besa545-build-journal.json"
STAGED = ".besa545-staged"
# The folders the build writes into, besides the root: where staged files can be left.
WRITTEN_FOLDERS = ("", "data", "data/parquet", "sources", "docs")
# Why a path is not read (each completes a sentence that starts with the file's name).
SYMLINK = "is a symbolic link; only regular files inside the package are read"
NOT_REGULAR = "is not a regular file (a directory, FIFO or device)"
OUTSIDE = "leads outside the package through a symbolic link"


def staged_leftovers(root: Path) -> list[Path]:
    """Staged files a build left behind (``.<name>.besa545-staged``), in write folders."""
    return sorted(path for folder in WRITTEN_FOLDERS
                  for path in (root / folder).glob(f".*{STAGED}"))


@cache
def package_path() -> Path:
    """The directory holding ``datapackage.json``, ``schemas/``, ``data/`` and ``sources/``."""
    for candidate in (HERE, HERE.parent.parent):
        if (candidate / "schemas").is_dir():
            return candidate
    raise FileNotFoundError(
        f"no besa545 data found next to {HERE}: the installation is incomplete; reinstall besa545"
    )


def schema_dir(root: Path | None = None) -> Path:
    return (root or package_path()) / "schemas"


# Where each table's files are, relative to the package root: the same in every package
# (the build writes them there and the validator reads them only there).
def csv_file(table: str) -> str:
    return f"data/{table}.csv"


def parquet_file(table: str) -> str:
    return f"data/parquet/{table}.parquet"


def schema_file(table: str) -> str:
    return f"schemas/{table}.json"


def csv_path(table: str, root: Path | None = None) -> Path:
    return (root or package_path()) / csv_file(table)


def parquet_path(table: str, root: Path | None = None) -> Path:
    return (root or package_path()) / parquet_file(table)


def why_not_readable(root: Path, relative: str) -> str | None:
    """Why the validator must not read ``root / relative``, or None when it may (or when
    it does not exist, which the reader reports itself).

    Only regular files inside the package are read: not a symbolic link (even one that
    points inside: what it points at can change between the check and the read), not a
    directory, FIFO or device, and not a file reached through a linked directory.
    """
    path = root / relative
    if path.is_symlink():
        return SYMLINK
    if not path.exists():
        return None
    if not path.is_file():
        return NOT_REGULAR
    if not PathGuard(root)._directory_inside(os.path.dirname(os.fspath(path))):
        return OUTSIDE
    return None


class PathGuard:
    """Checks relative paths against one package root, resolving each directory once.

    Thousands of documents share ``sources/``: resolving it once and checking only whether
    each file is itself a symbolic link gives the same answer as resolving every path.
    """

    def __init__(self, root: Path) -> None:
        self.root = os.path.realpath(root)
        self.base = os.fspath(root)
        self.directories: dict[str, bool] = {}

    def why_unsafe(self, value: Any) -> str | None:
        if not isinstance(value, str) or not value:
            return "is not a path"
        if value.startswith(("/", "\\")) or ":" in value:
            return "is absolute"
        if ".." in re.split(r"[\\/]", value):
            return "leaves the package with '..'"
        path = os.path.join(self.base, value)
        if os.path.islink(path):
            return SYMLINK
        return None if self._directory_inside(os.path.dirname(path)) else OUTSIDE

    def _directory_inside(self, directory: str) -> bool:
        if directory not in self.directories:
            self.directories[directory] = self._inside(directory)
        return self.directories[directory]

    def _inside(self, path: str) -> bool:
        return _inside(os.path.realpath(path), self.root)



class UnsafeFile(OSError):
    """Raised by :func:`open_regular` for a path the validator must not read; ``reason``
    completes a sentence that starts with the file's name."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def open_regular(path: Path, file: str) -> io.BufferedReader:
    """``path`` opened for reading, if at the moment it is opened it is a regular file
    inside the package; otherwise :class:`UnsafeFile` (or the ``OSError`` of the open).

    :func:`why_not_readable` answers the same question before a file is read, with the
    messages a contributor sees; this answers it again on the file actually opened, so
    that a file or folder swapped for a symbolic link in between is not read either: the
    last part of the path is opened without following a link (and without blocking on a
    FIFO), the open file must be regular, and where it really is must lie inside the
    package root (``path`` with ``file``, its path relative to the root, taken off).
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ELOOP or os.path.islink(path):
            raise UnsafeFile(SYMLINK) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise UnsafeFile(NOT_REGULAR)
        root = _root_of(path, file)
        if not _inside(_where(descriptor, path), os.path.realpath(root)):
            raise UnsafeFile(OUTSIDE)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _root_of(path: Path, file: str) -> str:
    """The package root: ``path`` with ``file`` taken off its end. A caller that names a
    file ``path`` does not end with is a bug, never a file read unconfined."""
    text = os.fspath(path)
    if all(part not in ("", ".", "..") for part in file.split("/")) and text.endswith(
            "/" + file):
        return text[: -len(file) - 1] or "/"  # the usual name, taken off without parsing
    parts = Path(file).parts
    if not parts or ".." in parts or Path(path).parts[-len(parts):] != parts:
        raise ValueError(f"{path} does not end with the package path {file!r}")
    return os.fspath(Path(path).parents[len(parts) - 1])


def _where(descriptor: int, path: Path) -> str:
    """Where an open file really is: Linux says it for the descriptor itself."""
    try:
        return os.readlink(f"/proc/self/fd/{descriptor}")
    except OSError:
        return os.path.realpath(path)


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


@contextmanager
def mapped(path: Path, file: str) -> Iterator[bytes | mmap.mmap]:
    """The bytes of ``path`` (``file`` in the package), memory-mapped read-only rather than
    copied into memory, if it is a regular file inside the package when it is opened
    (:func:`~besa545.model.paths.open_regular`). Everything that reads the file reads this
    map, so what was checked is what is read.

    A large CSV is then parsed and hashed straight from the page cache.
    """
    with open_regular(path, file) as handle:
        if os.fstat(handle.fileno()).st_size == 0:  # an empty file cannot be mapped
            yield b""
            return
        view = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        yield view
    finally:
        with suppress(BufferError):  # an Arrow buffer still refers to it: unmapped with it
            view.close()


def read_regular(path: Path, file: str) -> bytes:
    """The whole content of a small file, read as :func:`open_regular` allows."""
    with open_regular(path, file) as handle:
        return handle.read()


def unopenable(file: str, error: OSError) -> Problem:
    """The problem of a file that cannot be opened or read, or that was no longer a
    regular file inside the package when it was opened (:class:`UnsafeFile`)."""
    if isinstance(error, UnsafeFile):
        return Problem(file, None, None, "path-unsafe", f"{file} {error.reason}")
    return Problem(file, None, None, "file-unreadable",
                   f"the file cannot be read: {error.strerror or error}")


class NotOurFile(ValueError):
    """A command was asked to write over a file it did not write."""


# Every file a command generates is written the one way below: into a new file beside its
# target (synced, with the permissions the umask gives), then renamed onto the target, so
# that a reader sees the old file or the new one. A symbolic link at the target is
# replaced, never written through, and what stands there is replaced only when the
# command recognises it, by its content, as its own. The build stages many files this way
# and renames them under a journal (besa545.assemble.pipeline.write_atomically).


def leads_out_of(root: Path, path: Path) -> bool:
    """Whether a symbolic link among ``path``'s folders leads from inside ``root`` to
    outside it (a pull request can commit such a link). Each folder is followed as the
    system would, so the checkout reached through another link, or a path with ``..``,
    is judged where it really is; a path outside the checkout is followed as given, as
    ``cp`` would."""
    real_root = os.path.realpath(root)
    walked = Path.cwd() / path.parent  # not normalised: ".." is taken where it really goes
    current = Path(walked.anchor)
    for part in walked.parts[1:]:
        step = Path(os.path.realpath(current)).parent if part == ".." else current / part
        if (step.is_symlink() and _inside(os.path.realpath(current), real_root)
                and not _inside(os.path.realpath(step), real_root)):
            return True
        current = step
    return False


def write_beside(path: Path, data: bytes, *, suffix: str = "") -> Path:
    """A new file in ``path``'s folder, named after it, holding ``data``; its path."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix,
                                             dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~umask())  # mkstemp makes it private; ours are not
    except BaseException:
        os.unlink(temporary)
        raise
    return Path(temporary)


def replace_file(path: Path, data: bytes, *, ours: bytes) -> None:
    """Write ``data`` to ``path``. An existing regular file is replaced only if it starts
    with ``ours`` (the opening every file the command makes starts with, its generator's
    name included); anything else but a symbolic link raises :class:`NotOurFile`."""
    if not path.is_symlink() and path.exists():
        if not path.is_file():
            raise NotOurFile(f"{path} is not a regular file")
        with path.open("rb") as stream:
            if stream.read(len(ours)) != ours:
                raise NotOurFile(f"{path} exists and was not written by this command")
    temporary = write_beside(path, data)
    try:
        os.replace(temporary, path)
    finally:
        with suppress(FileNotFoundError):
            os.unlink(temporary)


# What a generated directory holds besides its files: the marker that names the command
# and every file it wrote there, by which the command recognises the directory as its own.
MARKER = ".besa545-written"


def replace_directory(path: Path, files: dict[str, bytes], *, ours: str) -> None:
    """Write ``files`` (plain names) as the directory ``path``, with a :data:`MARKER` whose
    first line is ``ours``. An existing directory is replaced only if its marker has that
    first line and lists every entry it holds; anything else but a symbolic link raises
    :class:`NotOurFile`."""
    import shutil
    import tempfile

    if not path.is_symlink() and path.exists():
        why = _not_our_directory(path, ours)
        if why:
            raise NotOurFile(f"{path} {why}")
    marker = "\n".join([ours, *sorted(files)]) + "\n"
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        for name, data in {**files, MARKER: marker.encode("utf-8")}.items():
            os.replace(write_beside(staging / name, data), staging / name)
        staging.chmod(0o777 & ~umask())  # mkdtemp makes it private; ours are not
        if path.is_dir() and not path.is_symlink():
            # POSIX cannot swap two directories in one step: move the old one aside first.
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, old / path.name)
            os.replace(staging, path)
            shutil.rmtree(old)
        else:
            with suppress(FileNotFoundError):
                path.unlink()  # a symbolic link: the link goes, its target stays
            os.replace(staging, path)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _not_our_directory(path: Path, ours: str) -> str | None:
    if not path.is_dir():
        return "is not a directory"
    try:
        lines = (path / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    if (path / MARKER).is_symlink() or not lines or lines[0] != ours:
        return "exists and was not written by this command"
    strangers = sorted({entry.name for entry in path.iterdir()} - {MARKER, *lines[1:]})
    if strangers:
        return f"holds files this command did not write ({', '.join(strangers[:3])})"
    return None


def umask() -> int:
    """The process's file-creation mask (read by setting it and setting it back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
