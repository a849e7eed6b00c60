"""``ainews report``: one self-contained HTML page with the plots an analyst opens on Monday.

Plots are drawn with matplotlib and inlined as SVG (text as paths), so the file needs no
internet, no JavaScript and no fonts to open. Each plot is a ``<figure data-plot=NAME
data-points=N>``; ``N`` is the number of data points drawn (0 shows "no data").
"""

from __future__ import annotations

import functools
import html
import io
import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ainews.exports.export import connect_readonly
from ainews.scraper.fileio import atomic_output
from ainews.scraper.storage.errors import database_errors

logger = logging.getLogger(__name__)

#: Stories in the "most spread" and "time to each copy" plots.
TOP_STORIES = 12
#: Crawl runs in the health plot (the latest ones).
RUNS = 30
#: Characters of a title on an axis label.
LABEL_CHARS = 60
WIDTH, HEIGHT = 9.0, 4.0  # inches; the SVG scales with the page


@dataclass(frozen=True)
class Plot:
    name: str
    title: str
    caption: str
    svg: str
    points: int


def _label(text: str | None) -> str:
    text = text or "(untitled)"
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _figure(height: float = HEIGHT) -> tuple[Figure, object]:
    fig = Figure(figsize=(WIDTH, height))
    return fig, fig.add_subplot()


def _height(rows: int, per_row: float = 0.4) -> float:
    """Inches for a plot of ``rows`` horizontal bars or rows of dots."""
    return max(2.5, per_row * rows + 1)


def _empty(ax: object, what: str) -> None:
    ax.text(0.5, 0.5, f"no {what} yet", ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()


def _stacked_bars(ax: object, x: Sequence[object], series: Iterable[tuple[str, list[int]]]) -> None:
    """One bar per ``x``, stacked from each ``(label, values)`` of ``series`` in order."""
    base = [0] * len(x)
    for label, values in series:
        ax.bar(x, values, bottom=base, label=label)
        base = [b + v for b, v in zip(base, values, strict=True)]


def _horizontal_bars(
    ax: object, rows: list[tuple], xlabel: str, series: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """Horizontal bars labelled by each row's first column, the first row on top: one bar
    series per ``(column, options for barh)``; whole-number ticks."""
    labels = [_label(r[0]) for r in reversed(rows)]
    for column, options in series:
        ax.barh(labels, [r[column] for r in reversed(rows)], **options)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


Draw = Callable[[sqlite3.Connection], tuple[Figure, int]]


def plot(title: str, caption: str) -> Callable[[Draw], Callable[[sqlite3.Connection], Plot]]:
    """Make a drawing function (its figure and how many data points it drew) the plot
    named after it, with this title and caption."""

    def wrap(draw: Draw) -> Callable[[sqlite3.Connection], Plot]:
        @functools.wraps(draw)
        def make(conn: sqlite3.Connection) -> Plot:
            fig, points = draw(conn)
            return Plot(draw.__name__, title, caption, _svg(fig), points)

        return make

    return wrap


@plot(
    "Stories per day, per site",
    "Articles by publication day (UTC), one colour per site.",
)
def stories_per_day(conn: sqlite3.Connection) -> tuple[Figure, int]:
    """Articles per publication day, stacked by site."""
    rows = conn.execute(
        "SELECT substr(published_at, 1, 10) AS day, site, count(*) FROM articles "
        "WHERE published_at IS NOT NULL GROUP BY day, site ORDER BY day, site"
    ).fetchall()
    fig, ax = _figure()
    days = sorted({r[0] for r in rows})
    by_site: dict[str, dict[str, int]] = defaultdict(dict)
    for day, site, n in rows:
        by_site[site or "(unknown)"][day] = n
    series = [(site, [counts.get(d, 0) for d in days]) for site, counts in sorted(by_site.items())]
    _stacked_bars(ax, range(len(days)), series)
    if rows:
        step = max(1, len(days) // 15)
        ax.set_xticks(range(0, len(days), step), days[::step], rotation=45, ha="right")
        ax.set_ylabel("articles")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize="small")
    else:
        _empty(ax, "dated articles")
    return fig, len(rows)


@plot(
    "The most-spread stories",
    f"The {TOP_STORIES} stories carried by the most sites (bars: sites; thin bars: copies).",
)
def most_spread(conn: sqlite3.Connection) -> tuple[Figure, int]:
    """The stories carried by the most sites."""
    rows = conn.execute(
        "SELECT title, site_count, size FROM story_spread WHERE size > 1 "
        "ORDER BY site_count DESC, size DESC, first_published_at DESC LIMIT ?",
        [TOP_STORIES],
    ).fetchall()
    fig, ax = _figure(_height(len(rows)))
    if rows:
        bars = [(1, {"label": "sites"}), (2, {"height": 0.3, "label": "copies"})]
        _horizontal_bars(ax, rows, "sites / copies", bars)
        ax.legend(fontsize="small")
    else:
        _empty(ax, "story carried twice")
    return fig, len(rows)


@plot(
    "Time from first publication to each copy",
    "Each dot is a copy of a recent story, placed at the hours it appeared after the "
    "story's first publication, coloured by the site that carried it.",
)
def time_to_copy(conn: sqlite3.Connection) -> tuple[Figure, int]:
    """For each story with copies: hours from its first publication to each copy."""
    rows = conn.execute(
        """SELECT s.title, a.site,
                  (julianday(a.published_at) - julianday(s.first_published_at)) * 24
           FROM story_spread s JOIN articles a ON a.cluster_id = s.cluster_id
           WHERE s.cluster_id IN (SELECT cluster_id FROM clusters WHERE size > 1
                                  ORDER BY first_published_at DESC LIMIT ?)
             AND a.published_at IS NOT NULL AND a.published_at > s.first_published_at
           ORDER BY s.first_published_at DESC, a.published_at""",
        [TOP_STORIES],
    ).fetchall()
    titles = list(dict.fromkeys(_label(r[0]) for r in rows))
    fig, ax = _figure(_height(len(titles)))
    if rows:
        by_site: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for title, site, hours in rows:
            by_site[site].append((hours, _label(title)))
        for site, points in sorted(by_site.items()):
            ax.scatter([h for h, _ in points], [titles.index(t) for _, t in points], label=site)
        ax.set_yticks(range(len(titles)), titles)
        ax.invert_yaxis()
        ax.set_xlabel("hours after the first publication")
        ax.legend(fontsize="small")
    else:
        _empty(ax, "copies")
    return fig, len(rows)


@plot(
    "Sources credited",
    'Agencies and outlets named as the source ("Source: Reuters"), by stories.',
)
def sources_credited(conn: sqlite3.Connection) -> tuple[Figure, int]:
    rows = conn.execute(
        "SELECT source_credit, count(DISTINCT cluster_id) AS stories FROM articles "
        "WHERE source_credit IS NOT NULL GROUP BY source_credit "
        "ORDER BY stories DESC, source_credit LIMIT 15"
    ).fetchall()
    fig, ax = _figure(_height(len(rows), per_row=0.35))
    if rows:
        _horizontal_bars(ax, rows, "stories crediting it", [(1, {})])
    else:
        _empty(ax, "credited sources")
    return fig, len(rows)


@plot(
    "Crawl health per run",
    f"The last {RUNS} runs: requests and errors (top), pages skipped by reason (bottom).",
)
def crawl_health(conn: sqlite3.Connection) -> tuple[Figure, int]:
    """Per run: requests, skips stacked by reason, errors."""
    rows = conn.execute(
        "SELECT id, coalesce(requests, 0), skip_reasons, coalesce(errors, 0) FROM crawl_runs "
        "ORDER BY id DESC LIMIT ?",
        [RUNS],
    ).fetchall()[::-1]
    fig = Figure(figsize=(WIDTH, HEIGHT * 1.4))
    top, bottom = fig.subplots(2, 1, sharex=True)
    if rows:
        runs = [str(r[0]) for r in rows]
        top.bar(runs, [r[1] for r in rows], label="requests")
        top.plot(runs, [r[3] for r in rows], "o-", color="crimson", label="errors")
        top.set_ylabel("per run")
        top.legend(fontsize="small")
        reasons = [json.loads(r[2] or "{}") for r in rows]
        names = sorted({k for rs in reasons for k in rs})
        _stacked_bars(bottom, runs, [(name, [rs.get(name, 0) for rs in reasons]) for name in names])
        bottom.set_ylabel("skipped pages")
        bottom.yaxis.set_major_locator(MaxNLocator(integer=True))
        bottom.set_xlabel("crawl run")
        if names:
            bottom.legend(fontsize="small")
    else:
        _empty(top, "crawl runs")
        bottom.set_axis_off()
    return fig, len(rows)


PLOTS: tuple[Callable[[sqlite3.Connection], Plot], ...] = (
    stories_per_day,
    most_spread,
    time_to_copy,
    sources_credited,
    crawl_health,
)


def _summary(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    articles, stories, sites, first, last = conn.execute(
        "SELECT count(*), count(DISTINCT cluster_id), count(DISTINCT site), "
        "min(substr(published_at, 1, 10)), max(substr(published_at, 1, 10)) FROM articles"
    ).fetchone()
    has_history = conn.execute(  # a database not yet migrated by a crawl has no history
        "SELECT 1 FROM sqlite_master WHERE name = 'article_changes'"
    ).fetchone()
    changed = (
        conn.execute("SELECT count(*) FROM article_changes").fetchone()[0] if has_history else 0
    )
    run = conn.execute(
        "SELECT id, status, started_at FROM crawl_runs ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return [
        ("articles", f"{articles:,}"),
        ("stories", f"{stories:,}"),
        ("sites", str(sites)),
        ("published", f"{first or '–'} to {last or '–'}"),
        ("articles changed after publication", str(changed)),
        ("latest crawl", f"run {run[0]}, {run[1]}, {run[2]}" if run else "none"),
    ]


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; }}
figure {{ margin: 2rem 0; }} figure svg {{ max-width: 100%; height: auto; }}
figcaption {{ color: #555; }} table {{ border-collapse: collapse; }}
td, th {{ padding: .2rem .8rem .2rem 0; text-align: left; }}
</style></head>
<body>
<h1>{title}</h1>
<table>{summary}</table>
{figures}
</body></html>
"""


def render(db_path: str | Path) -> str:
    """The report page for the database at ``db_path``."""
    conn = connect_readonly(db_path)
    try:
        with database_errors(db_path):  # a corrupt page deep in the file: one clear error
            plots = [plot(conn) for plot in PLOTS]
            summary = _summary(conn)
    finally:
        conn.close()
    figures = "\n".join(
        f'<figure data-plot="{p.name}" data-points="{p.points}">\n<h2>{html.escape(p.title)}'
        f"</h2>\n{p.svg}\n<figcaption>{html.escape(p.caption)}</figcaption>\n</figure>"
        for p in plots
    )
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in summary
    )
    title = f"ainews report: {Path(db_path).name}"
    return PAGE.format(title=html.escape(title), summary=rows, figures=figures)


def write_report(db_path: str | Path, out: str | Path) -> Path:
    """Write the report for ``db_path`` to ``out`` (complete or not at all); returns it.

    Raises ``FileNotFoundError`` for a missing database and
    :class:`~ainews.scraper.storage.errors.DatabaseError` for one that cannot be read.
    """
    page = render(db_path)
    out = Path(out)
    with atomic_output(out) as tmp:
        tmp.write_text(page, encoding="utf-8")
    logger.info("report for %s written to %s", db_path, out)
    return out
