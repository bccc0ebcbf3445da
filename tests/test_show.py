"""`besa545 show`: a paragraph with every annotation inside it."""

from __future__ import annotations

import pytest

from helpers import invoke

SPANNED = {"events": "event_id", "quotations": "quote_id", "links": "link_id",
           "stances": "stance_id"}


@pytest.fixture(scope="module")
def walk() -> str:
    result = invoke("show", "--all")
    assert result.status == 0, result.stderr
    return result.stdout


def test_show_all_walks_every_paragraph_and_every_annotation(walk, tables):
    assert walk.count("\n¶ ") + walk.startswith("¶ ") == len(tables["paragraphs"])
    for name, key in SPANNED.items():
        for identifier in tables[name][key]:
            assert identifier in walk, (name, identifier)
    for row in tables["actor_relations"].itertuples():
        assert f"{row.subject_actor_id} {row.relation} {row.object_actor_id}" in walk


def test_show_one_paragraph_lists_exactly_its_annotations(tables):
    paragraph = tables["paragraphs"].set_index("position").loc[15]
    result = invoke("show", "15")
    assert result.status == 0
    output = result.stdout
    assert output.startswith("¶ 15  besa-pp-545-p15  (body")
    assert "it was argued" in output
    for name, key in SPANNED.items():
        frame = tables[name]
        inside = (frame["char_start"] < paragraph["char_end"]) & (
            frame["char_end"] > paragraph["char_start"])
        for identifier in frame.loc[inside, key]:
            assert f"- {identifier}" in output, identifier
        for identifier in frame.loc[~inside, key]:
            assert f"- {identifier} " not in output and f"- {identifier}:" not in output
    mentioned = tables["mentions"].query("paragraph_id == 'besa-pp-545-p15'")["actor_id"]
    for actor_id in set(mentioned):
        assert f"- {actor_id} (" in output


def test_show_accepts_a_paragraph_id():
    assert invoke("show", "besa-pp-545-p03").stdout.startswith("¶ 3  besa-pp-545-p03  (title")


@pytest.mark.parametrize("argument", ["99", "0", "p15", "besa-pp-545-p99"])
def test_show_unknown_paragraph_is_a_usage_error(argument):
    result = invoke("show", argument)
    assert result.status == 2
    assert result.stderr.startswith("Error: no paragraph") and "Traceback" not in result.stderr


def test_show_needs_a_paragraph_or_all():
    assert invoke("show").status == 2


def test_a_sentence_split_by_a_blank_line_is_shown_as_one_across_two_paragraphs():
    """The paper has a blank line inside one sentence (¶ 10 to ¶ 11); show says so on both
    sides, and marks the event whose evidence crosses the break. No other body paragraph
    of the paper is flagged."""
    ten = invoke("show", "10").stdout
    eleven = invoke("show", "11").stdout
    assert ("  (this block ends mid-sentence: the sentence continues in ¶ 11, after a blank "
            "line the paper has inside it)") in ten.splitlines()
    assert ("  (this block continues the sentence of ¶ 10, after a blank line the paper has "
            "inside it)") in eleven.splitlines()
    warships = [line for line in ten.splitlines() if "us-dispatches-warships" in line]
    assert len(warships) == 1 and warships[0].endswith("[evidence continues in ¶ 11]")
    warships = [line for line in eleven.splitlines() if "us-dispatches-warships" in line]
    assert len(warships) == 1 and warships[0].endswith("[evidence begins in ¶ 10]")
    everything = invoke("show", "--all").stdout
    assert everything.count("mid-sentence") == 1
    assert everything.count("continues the sentence") == 1
