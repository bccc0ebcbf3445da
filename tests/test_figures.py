"""The README's figures show everything they draw: no node under the legend, no label
cut at an edge, the time axis fitted to the bars. Checked on the drawn figures, in the
coordinates of the saved image."""

from __future__ import annotations

import importlib.util

import matplotlib
import pandas as pd
import pytest

import besa545
from helpers import ROOT

spec = importlib.util.spec_from_file_location("figures", ROOT / "scripts" / "figures.py")
figures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(figures)


def _saved_area(figure: matplotlib.figure.Figure) -> matplotlib.transforms.Bbox:
    """What ``bbox_inches="tight"`` keeps of the figure, in display pixels."""
    renderer = figure.canvas.get_renderer()
    return figure.get_tightbbox(renderer).transformed(figure.dpi_scale_trans)


def _texts(figure: matplotlib.figure.Figure) -> list[matplotlib.text.Text]:
    return [text for axes in figure.axes for text in axes.texts if text.get_text()]


DRAWN: dict[str, matplotlib.figure.Figure] = {}


def drawn(name: str) -> matplotlib.figure.Figure:
    """The figure ``name`` as the script draws it, drawn once per test session."""
    if name not in DRAWN:
        DRAWN[name] = getattr(figures, f"draw_{name}")()
        DRAWN[name].canvas.draw()
    return DRAWN[name]


@pytest.mark.parametrize("name", ["network", "timeline"])
def test_no_label_is_cut_at_an_edge_of_the_saved_image(name):
    figure = drawn(name)
    renderer, area = figure.canvas.get_renderer(), _saved_area(figure)
    texts = _texts(figure)
    assert texts
    for text in texts:
        assert not text.get_clip_on(), text.get_text()
        box = text.get_window_extent(renderer)
        assert area.x0 - 1 <= box.x0 and box.x1 <= area.x1 + 1, text.get_text()


def test_the_network_legend_covers_no_node_and_every_actor_is_drawn():
    figure = drawn("network")
    (axes,) = figure.axes
    legend = axes.get_legend().get_window_extent(figure.canvas.get_renderer())
    (nodes,) = [collection for collection in axes.collections
                if len(collection.get_offsets()) == len(besa545.load("actors"))]
    points = axes.transData.transform(nodes.get_offsets())
    covered = [tuple(point) for point in points if legend.contains(*point)]
    assert covered == []


def test_the_time_axis_ends_with_the_last_bar():
    (axes,) = drawn("timeline").axes
    events = besa545.load("events")
    published = besa545.load("documents")["publication_date"].iat[0]
    last = max(events["date_end"].max(), published) + pd.Timedelta(days=1)
    right = matplotlib.dates.num2date(axes.get_xlim()[1]).replace(tzinfo=None)
    assert pd.Timestamp(right) - last <= pd.Timedelta(days=31)
