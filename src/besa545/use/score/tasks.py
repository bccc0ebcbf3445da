"""What each task reads: the files, the columns it compares, those a prediction may leave
out, and the column two spans must share to match."""

from __future__ import annotations

# The columns a task needs in each of its files.
TASKS: dict[str, dict[str, tuple[str, ...]]] = {
    "mentions": {"mentions": ("actor_id", "char_start", "char_end")},
    "quotations": {"quotations": ("char_start", "char_end", "quote_kind",
                                  "speaker_actor_id")},
    "events": {"events": ("event_id", "char_start", "char_end", "event_type", "status",
                          "cameo_code", "date_start", "date_end"),
               "event_participants": ("event_id", "actor_id", "role")},
    "stances": {"stances": ("holder_actor_id", "topic_id", "polarity")},
    "actor_relations": {"actor_relations": ("subject_actor_id", "relation",
                                            "object_actor_id")},
}
# Columns a prediction may leave out: scored when its file has them.
OPTIONAL: dict[str, tuple[str, ...]] = {"events": ("epistemic_status",)}
# Gold columns a task reads beside those it compares: a stance's position, counted once.
GOLD_ONLY: dict[str, tuple[str, ...]] = {"stances": ("stance_id", "same_position_stance_id")}
# The column whose values must be equal for two spans of a task to match (None: any).
SPAN_KEYS: dict[str, str | None] = {"mentions": "actor_id", "quotations": None,
                                    "events": None}
