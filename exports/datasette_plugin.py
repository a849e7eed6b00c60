"""The ainews Datasette plugin: stories, not rows (registered by ``ainews.exports.serve``).

- ``_search`` uses :func:`ainews.exports.search.fts_query` (words; ``fts:`` for FTS5 syntax), the
  same rule as the canned queries and ``ainews search``;
- a plain search of ``articles``/``unique_articles`` opens the ranked ``search_stories``
  query (Datasette tables cannot sort by relevance); with filters it stays on the table;
- ``articles``/``unique_articles`` open with a compact column set (``?_allcols=1`` for
  every column);
- cluster ids link to the ``story`` page, article ids to the article's row;
- the column glossary is folded away, and an article's row page reads like an article.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from markupsafe import Markup, escape

from ainews.exports.search import fts_query

ARTICLE_TABLES = ("articles", "unique_articles")
#: What an analyst scans first; ``cluster_id`` shows the story's copies and links to it.
COMPACT_COLUMNS = ("title", "site", "published_at", "word_count", "cluster_id")
#: Query argument that keeps every column (as do Datasette's own ``_col``/``_nocol``).
ALL_COLUMNS_ARG = "_allcols"
#: Columns holding an article id, linked to that article's row page.
ARTICLE_ID_COLUMNS = ("canonical_id", "article_id", "partial_of")
#: Columns shown as paragraphs on a row page.
LONG_TEXT_COLUMNS = ("lede", "body")
SEARCH_QUERY = "search_stories"
STORY_QUERY = "story"


@hookimpl(trylast=True)  # after Datasette's own escape_fts, so this one is used
def prepare_connection(conn: Any) -> None:
    conn.create_function("escape_fts", 1, _escape_fts, deterministic=True)


def _escape_fts(text: str | None) -> str:
    return fts_query(text or "")


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    if not isinstance(value, str) or not value:
        return None
    if column == "cluster_id":
        return _story_link(datasette, database, value, with_copies=table in ARTICLE_TABLES)
    if column in ARTICLE_ID_COLUMNS:
        href = datasette.urls.row(database, "articles", value)
        return Markup(f'<a href="{escape(href)}">{escape(value)}</a>')
    return None


def _story_link(datasette: Any, database: str, cluster_id: str, *, with_copies: bool) -> Any:
    href = datasette.urls.query(database, STORY_QUERY) + "?" + urlencode({"cluster_id": cluster_id})
    link = f'<a href="{escape(href)}">{escape(cluster_id)}</a>'
    if not with_copies:
        return Markup(link)

    async def with_size() -> Markup:
        db = datasette.get_database(database)
        found = (
            await db.execute("SELECT size FROM clusters WHERE cluster_id = ?", [cluster_id])
        ).first()
        size = found[0] if found else 1
        return Markup(f"{link} · {size} cop{'y' if size == 1 else 'ies'}")

    return with_size


_GLOSSARY_JS = """
(function () {
  var dl = document.querySelector("dl.column-descriptions");
  if (!dl) return;
  var details = document.createElement("details");
  details.className = "ainews-glossary";
  var summary = document.createElement("summary");
  summary.textContent = "Column glossary (" + dl.querySelectorAll("dt").length + " columns)";
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(summary);
  details.appendChild(dl);
})();
"""

_RECORD_JS = """
(function (longColumns) {
  var table = document.querySelector("table.rows-and-columns");
  if (!table) return;
  var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
    return (th.getAttribute("data-column") || th.textContent).trim();
  });
  var cells = table.querySelectorAll("tbody tr:first-child td");
  var dl = document.createElement("dl");
  dl.className = "ainews-record";
  Array.prototype.forEach.call(cells, function (td, i) {
    var dt = document.createElement("dt");
    dt.textContent = heads[i] || "";
    var dd = document.createElement("dd");
    if (longColumns.indexOf(heads[i]) >= 0) {
      td.textContent.split(/\\n\\s*\\n/).forEach(function (text) {
        var p = document.createElement("p");
        p.textContent = text.trim();
        dd.appendChild(p);
      });
    } else {
      dd.innerHTML = td.innerHTML;
    }
    dl.appendChild(dt);
    dl.appendChild(dd);
  });
  var style = document.createElement("style");
  style.textContent = "dl.ainews-record dt{font-weight:bold;margin-top:.6em}" +
    "dl.ainews-record dd{margin-left:1em}dl.ainews-record dd p{max-width:42em;line-height:1.5}";
  document.head.appendChild(style);
  table.parentNode.replaceChild(dl, table);
})(%s);
"""


_ALL_COLUMNS_JS = """
(function (arg) {
  var params = new URLSearchParams(location.search);
  if (params.has("_col") || params.has("_nocol") || params.has(arg)) return;
  var heading = document.querySelector(".ainews-glossary") || document.querySelector("h1");
  if (!heading) return;
  params.delete("_col");
  params.set(arg, "1");
  var p = document.createElement("p");
  p.className = "ainews-allcols";
  var a = document.createElement("a");
  a.href = "?" + params.toString();
  a.textContent = "Show every column";
  p.appendChild(a);
  heading.parentNode.insertBefore(p, heading.nextSibling);
})(%s);
"""


@hookimpl
def extra_body_script(template: str, table: str | None, request: Any, **_: Any) -> str | None:
    if template == "table.html" and table in ARTICLE_TABLES:
        return _GLOSSARY_JS + _ALL_COLUMNS_JS % json.dumps(ALL_COLUMNS_ARG)
    if template == "table.html":
        return _GLOSSARY_JS
    if template == "row.html" and table in (*ARTICLE_TABLES, "article_versions"):
        return _RECORD_JS % json.dumps(list(LONG_TEXT_COLUMNS))
    return None


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    def wrap(app: Any) -> Any:
        async def ainews_routes(scope: dict, receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("method") in ("GET", "HEAD"):
                target = _article_table(datasette, scope.get("path", ""))
                if target is not None:
                    args = parse_qsl(scope.get("query_string", b"").decode(), True)
                    keys = {k for k, _ in args}
                    search = dict(args).get("_search", "").strip()
                    if search and keys == {"_search"}:
                        database = target[0]
                        url = datasette.urls.query(database, SEARCH_QUERY)
                        await _redirect(send, url + "?" + urlencode({"q": search}))
                        return
                    if not keys & {"_col", "_nocol", ALL_COLUMNS_ARG}:
                        args += [("_col", c) for c in COMPACT_COLUMNS]
                        scope = {**scope, "query_string": urlencode(args).encode()}
            await app(scope, receive, send)

        return ainews_routes

    return wrap


def _article_table(datasette: Any, path: str) -> tuple[str, str] | None:
    """(database, table) when ``path`` is the HTML page of an article table."""
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[1] in ARTICLE_TABLES and parts[0] in datasette.databases:
        return parts[0], parts[1]
    return None


async def _redirect(send: Any, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 302,
            "headers": [(b"location", location.encode()), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})
