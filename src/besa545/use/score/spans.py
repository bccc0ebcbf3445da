"""Matching spans one to one: strictly when start and end are equal, leniently when they
overlap (the pairs that cover each other best taken first: overlap over union), by
sorting, never by looking at all pairs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Lenient matching considers at most this many pairs of overlapping, unequal spans (about
# 40 bytes each while they are ranked, so 400 MB); see match_spans.
MAX_CANDIDATE_PAIRS = 10_000_000
class TooManyCandidates(ValueError):
    """Lenient matching would have to rank more pairs of spans than it may."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(f"{count:,} pairs of unequal spans overlap, more than the "
                         f"{limit:,} lenient matching ranks")
        self.count, self.limit = count, limit


@dataclass(frozen=True)
class Spans:
    """Spans as columns: start and end offsets, and an integer key; spans match only when
    their keys are equal."""

    start: np.ndarray
    end: np.ndarray
    key: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


def span_columns(mine: pa.Table, theirs: pa.Table, key: str | None) -> tuple[Spans, Spans]:
    """Both sides' spans, with one integer code per distinct value of ``key``."""
    if key is None:
        codes = np.zeros(mine.num_rows + theirs.num_rows, dtype=np.int64)
    else:
        values = pa.concat_arrays([mine[key].combine_chunks(), theirs[key].combine_chunks()])
        codes = pc.dictionary_encode(values).indices.to_numpy().astype(np.int64)
    side = [Spans(table["char_start"].to_numpy(), table["char_end"].to_numpy(), part)
            for table, part in ((mine, codes[:mine.num_rows]), (theirs, codes[mine.num_rows:]))]
    return side[0], side[1]


def match_spans(predicted: Spans, gold: Spans, strict: bool,
                limit: int | None = None) -> np.ndarray:
    """One-to-one pairs (predicted position, gold position), sorted, of spans with equal
    keys that are equal (strict) or overlap (lenient).

    Lenient matching takes the pairs that cover each other best first: by overlap over
    union, then by overlap, then by position (predicted, then gold). Equal spans cover
    each other fully, so they are paired first, in order of position, exactly as strict
    matching pairs them. The spans left over are ranked among the pairs that overlap, found
    by sorting (:func:`overlapping_pairs`), never among all pairs. There are seldom more
    of those than spans; but a prediction whose spans nest deeply (or one span covering
    the whole text) could have as many as predicted times gold, so more than ``limit`` pairs
    (by default :data:`MAX_CANDIDATE_PAIRS`) raise :class:`TooManyCandidates`, counted
    before any is made, rather than exhaust memory; :func:`match` reports that as a
    :class:`ScoreError` naming the file.
    """
    start_mine, end_mine, start_theirs, end_theirs = _coordinates(predicted, gold)
    equal = _equal_pairs(start_mine, end_mine, start_theirs, end_theirs)
    if strict:
        return equal
    free_mine = np.ones(len(predicted), dtype=bool)
    free_mine[equal[:, 0]] = False
    free_theirs = np.ones(len(gold), dtype=bool)
    free_theirs[equal[:, 1]] = False
    mine, theirs = np.flatnonzero(free_mine), np.flatnonzero(free_theirs)
    left, right = overlapping_pairs(start_mine[mine], end_mine[mine], start_theirs[theirs],
                                    end_theirs[theirs],
                                    MAX_CANDIDATE_PAIRS if limit is None else limit)
    left, right = mine[left], theirs[right]
    chosen = _best_first(left, right, predicted.start, predicted.end, gold.start, gold.end,
                         len(predicted), len(gold))
    pairs = np.concatenate([equal, chosen])
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def _coordinates(predicted: Spans, gold: Spans) -> tuple[np.ndarray, ...]:
    """Starts and ends on one line on which spans with different keys never overlap: key
    ``k`` gets the stretch from ``k * stride``. Offsets are first replaced by their rank
    among all offsets if the line would not fit in ``int64``."""
    offsets = [predicted.start, predicted.end, gold.start, gold.end]
    keys = [predicted.key, predicted.key, gold.key, gold.key]
    every = np.concatenate(offsets)
    if len(every) == 0:
        return tuple(offsets)
    low = int(every.min())
    stride = int(every.max()) - low + 1
    top = int(np.concatenate(keys).max()) + 1
    if top * stride >= 2**62:
        ranks = np.unique(every, return_inverse=True)[1].astype(np.int64)
        offsets = np.split(ranks, np.cumsum([len(part) for part in offsets])[:-1])
        low, stride = 0, int(ranks.max()) + 1
    return tuple(key * stride + (offset - low) for key, offset in zip(keys, offsets, strict=True))


def _equal_pairs(start_mine: np.ndarray, end_mine: np.ndarray, start_theirs: np.ndarray,
                 end_theirs: np.ndarray) -> np.ndarray:
    """Equal spans paired one to one: the n-th of a span's copies in the prediction with
    the n-th in the gold (a join on start, end and rank among copies)."""
    sides = []
    for start, end in ((start_mine, end_mine), (start_theirs, end_theirs)):
        position = np.arange(len(start))
        order = np.lexsort((position, end, start))
        new = np.ones(len(order), dtype=bool)
        new[1:] = (start[order][1:] != start[order][:-1]) | (end[order][1:] != end[order][:-1])
        first = np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
        sides.append(pa.table({"start": start[order], "end": end[order],
                               "copy": np.arange(len(order)) - first,
                               "position": position[order]}))
    joined = sides[0].join(sides[1], keys=["start", "end", "copy"], right_suffix="_gold",
                           join_type="inner", use_threads=False)
    return np.column_stack([joined["position"].to_numpy(),
                            joined["position_gold"].to_numpy()]).astype(np.int64)


def overlapping_pairs(start_mine: np.ndarray, end_mine: np.ndarray,
                      start_theirs: np.ndarray, end_theirs: np.ndarray,
                      limit: int = MAX_CANDIDATE_PAIRS) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (position in mine, position in theirs) of overlapping spans, and no
    other: each pair once, as a span of theirs starting inside one of mine or one of mine
    starting strictly inside one of theirs. Both are ranges of the other side sorted by
    start, so the pairs are counted before any is made; more than ``limit`` raise
    :class:`TooManyCandidates`."""
    order_theirs = np.argsort(start_theirs, kind="stable")
    order_mine = np.argsort(start_mine, kind="stable")
    sorted_theirs, sorted_mine = start_theirs[order_theirs], start_mine[order_mine]
    low = np.searchsorted(sorted_theirs, start_mine, "left")
    high = np.searchsorted(sorted_theirs, end_mine, "left")
    low_inside = np.searchsorted(sorted_mine, start_theirs, "right")
    high_inside = np.searchsorted(sorted_mine, end_theirs, "left")
    count = int((high - low).sum() + (high_inside - low_inside).sum())
    if count > limit:
        raise TooManyCandidates(count, limit)
    left = np.concatenate([np.repeat(np.arange(len(start_mine)), high - low),
                           order_mine[_ranges(low_inside, high_inside)]])
    right = np.concatenate([order_theirs[_ranges(low, high)],
                            np.repeat(np.arange(len(start_theirs)), high_inside - low_inside)])
    return left.astype(np.int64), right.astype(np.int64)


def _ranges(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """``low[0]..high[0]-1``, then ``low[1]..high[1]-1``, ... as one array."""
    counts = high - low
    total = int(counts.sum())
    shift = np.repeat(low - (np.cumsum(counts) - counts), counts)
    ranges: np.ndarray = np.arange(total, dtype=np.int64) + shift
    return ranges


def _best_first(left: np.ndarray, right: np.ndarray, start_mine: np.ndarray,
                end_mine: np.ndarray, start_theirs: np.ndarray, end_theirs: np.ndarray,
                count_mine: int, count_theirs: int) -> np.ndarray:
    """The candidate pairs ranked (overlap over union, then overlap, both descending, then
    positions) and taken greedily, each predicted and each gold span once."""
    if len(left) == 0:
        return np.empty((0, 2), dtype=np.int64)
    overlap = (np.minimum(end_mine[left], end_theirs[right])
               - np.maximum(start_mine[left], start_theirs[right]))
    union = (np.maximum(end_mine[left], end_theirs[right])
             - np.minimum(start_mine[left], start_theirs[right]))
    order = np.lexsort((right, left, -overlap, -(overlap / union)))
    used_mine, used_theirs = bytearray(count_mine), bytearray(count_theirs)
    chosen = []
    # The greedy choice is sequential by nature; this loop runs over the overlapping
    # pairs of unequal spans only, at most MAX_CANDIDATE_PAIRS of them.
    for one, other in zip(left[order].tolist(), right[order].tolist(), strict=True):
        if not used_mine[one] and not used_theirs[other]:
            used_mine[one] = used_theirs[other] = 1
            chosen.append((one, other))
    return np.array(chosen, dtype=np.int64).reshape(-1, 2)
