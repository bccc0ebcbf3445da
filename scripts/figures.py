"""Draw the README's figures into docs/figures/: the timeline and the actor network.

    python scripts/figures.py [--out docs/figures]

Deterministic: the same data and library versions give the same bytes (no timestamps in
the files, a seeded layout), so the committed figures can be checked for staleness.
Needs the ``docs`` extra (matplotlib, networkx).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import networkx as nx
import pandas as pd

import besa545

ROOT = Path(__file__).resolve().parent.parent
SAVE = {"dpi": 110, "metadata": {"Software": None}, "bbox_inches": "tight"}
plt.rcParams.update({"font.size": 9, "svg.hashsalt": "besa545", "figure.dpi": 110})


def timeline(out: Path) -> Path:
    """Draw :func:`draw_timeline` into ``out/timeline.png``."""
    return _save(draw_timeline(), out / "timeline.png")


def network(out: Path) -> Path:
    """Draw :func:`draw_network` into ``out/network.png``."""
    return _save(draw_network(), out / "network.png")


def _save(figure: plt.Figure, path: Path) -> Path:
    figure.savefig(path, **SAVE)
    plt.close(figure)
    return path


def draw_timeline() -> plt.Figure:
    """Dated events as intervals from date_start to date_end, coloured by event type. The
    axis ends with the last bar; labels run past it and the saved image widens for them."""
    events = besa545.load("events")
    published = besa545.load("documents")["publication_date"].iat[0]
    dated = events.dropna(subset=["date_start", "date_end"], how="all").copy()
    earliest = dated["date_start"].min() - pd.Timedelta(days=20)
    dated["start"] = dated["date_start"].fillna(earliest)
    dated["end"] = dated["date_end"].fillna(published) + pd.Timedelta(days=1)
    dated = dated.sort_values(["start", "end", "event_id"]).reset_index(drop=True)
    types = [kind for kind in events["event_type"].cat.categories
             if kind in set(dated["event_type"])]
    colours = dict(zip(types, plt.get_cmap("tab20").colors, strict=False))
    figure, axes = plt.subplots(figsize=(10, 0.32 * len(dated) + 1.4))
    for row in dated.itertuples():
        y = len(dated) - row.Index
        open_start, open_end = pd.isna(row.date_start), pd.isna(row.date_end)
        axes.barh(y, row.end - row.start, left=row.start, height=0.6,
                  color=colours[row.event_type], alpha=0.45 if (open_start or open_end) else 0.9,
                  hatch="//" if (open_start or open_end) else None, edgecolor="none")
        label = row.label + (" (no start in text)" if open_start else "") + (
            " (no end in text)" if open_end else "")
        axes.text(row.end + pd.Timedelta(days=2), y, label, va="center", fontsize=8,
                  clip_on=False)
    axes.axvline(published, color="black", linewidth=0.8, linestyle="--")
    axes.text(published, len(dated) + 0.9, " paper published", fontsize=8)
    axes.set_yticks([])
    axes.set_xlim(earliest, dated["end"].max() + pd.Timedelta(days=10))
    axes.set_ylim(0.3, len(dated) + 1.4)
    axes.xaxis.set_major_locator(matplotlib.dates.MonthLocator(interval=2))
    axes.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %Y"))
    axes.legend(handles=[plt.Rectangle((0, 0), 1, 1, color=colours[kind]) for kind in types],
                labels=types, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=6,
                fontsize=8, title="event_type", frameon=False)
    axes.set_title("Dated events in BESA Perspectives Paper 545: each bar spans the dates "
                   "the text allows (hatched: an open bound)", fontsize=9)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    return figure


def draw_network() -> plt.Figure:
    """Actors linked by stated relations and shared events, sized by their mentions. The
    legend sits below the drawing, so it covers no node; labels are never clipped."""
    actors = besa545.load("actors").set_index("actor_id")
    mentions = besa545.load("mentions")["actor_id"].value_counts()
    relations = besa545.load("actor_relations")
    participants = besa545.load("event_participants")
    graph = nx.Graph()
    graph.add_nodes_from(sorted(actors.index))
    for row in relations.itertuples():
        graph.add_edge(row.subject_actor_id, row.object_actor_id, kind="relation")
    for _, group in participants.groupby("event_id", observed=True):
        members = sorted(set(group["actor_id"]))
        for index, left in enumerate(members):
            for right in members[index + 1:]:
                if not graph.has_edge(left, right):
                    graph.add_edge(left, right, kind="event")
    layout = component_layout(graph, actors["actor_type"], actors["name"])
    figure, axes = plt.subplots(figsize=(12, 10))
    types = list(actors["actor_type"].cat.categories)
    colours = dict(zip(types, plt.get_cmap("Set2").colors, strict=False))
    for kind, style in (("event", {"alpha": 0.25, "style": "solid"}),
                        ("relation", {"alpha": 0.8, "style": "dashed"})):
        edges = sorted((u, v) for u, v, data in graph.edges(data=True) if data["kind"] == kind)
        nx.draw_networkx_edges(graph, layout, edgelist=edges, ax=axes, width=1.0, **style)
    nodes = sorted(graph.nodes)
    nx.draw_networkx_nodes(graph, layout, nodelist=nodes, ax=axes,
                           node_size=[60 + 25 * int(mentions.get(node, 0)) for node in nodes],
                           node_color=[colours[actors.loc[node, "actor_type"]] for node in nodes],
                           edgecolors="black", linewidths=0.5)
    nx.draw_networkx_labels(graph, {node: (x, y - 0.045) for node, (x, y) in layout.items()},
                            ax=axes, font_size=7, verticalalignment="top",
                            labels={node: actors.loc[node, "name"] for node in nodes},
                            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7,
                                  "pad": 0.5}, clip_on=False)
    present = [kind for kind in types if kind in set(actors["actor_type"])]
    axes.legend(handles=[plt.Line2D([], [], marker="o", linestyle="", markersize=8,
                                    markerfacecolor=colours[kind], markeredgecolor="black")
                         for kind in present], labels=present, loc="upper center",
                bbox_to_anchor=(0.5, 0.0), ncol=4, fontsize=8, frameon=False,
                title="actor_type (size: mentions)")
    axes.set_title("Actors of BESA Perspectives Paper 545: dashed, a relation (stated or "
                   "inferred, see actor_relations.basis); solid, a shared event", fontsize=9)
    axes.axis("off")
    return figure


def component_layout(graph: nx.Graph, kinds: pd.Series,
                     names: pd.Series) -> dict[str, tuple[float, float]]:
    """The largest connected group in rings (states inside, then people, then the rest);
    smaller groups in a row beneath it."""
    components = sorted((sorted(component) for component in nx.connected_components(graph)),
                        key=lambda component: (-len(component), component[0]))
    main = components[0]
    rings = [[node for node in main if kinds[node] == "state"],
             [node for node in main if kinds[node] == "person"],
             [node for node in main if kinds[node] not in ("state", "person")]]
    layout = nx.shell_layout(graph.subgraph(main), nlist=[ring for ring in rings if ring],
                             scale=1.0, rotate=0.3)
    x, row = -1.2, 0
    for component in components[1:]:
        for index, node in enumerate(component):
            width = 0.05 + 0.021 * len(names[node])  # room for the node's label
            if x + width > 1.3:
                x, row = -1.2, row + 1
            layout[node] = (x + width / 2, -1.3 - 0.22 * row - 0.08 * (index % 2))
            x += width
    return {node: (float(px), float(py)) for node, (px, py) in layout.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for path in (timeline(out), network(out)):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
