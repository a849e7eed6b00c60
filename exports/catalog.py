"""What every table, view and column of the database means, and the queries analysts run.

One source for the Datasette metadata (``ainews.exports.serve``) and the schema reference
(``docs/schema.md``, rendered by ``ainews.exports.schema_doc``); ``tests/test_schema_docs.py``
fails when a column of a freshly migrated database is described in neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ainews.exports.search import SEARCH_STORIES_SQL, match_sql


@dataclass(frozen=True)
class TableDoc:
    description: str
    columns: dict[str, str] = field(default_factory=dict)


_ARTICLE_COLUMNS = {
    "id": "Stable id: the first 16 hex digits of sha1(url). The same on every machine.",
    "url": "The article's URL after redirects (unique).",
    "canonical_url": "The URL the page declares canonical (`<link rel=canonical>`), if any.",
    "site": "The site's name in the sites file (`sites.toml`), e.g. `the-decoder`.",
    "site_name": "The publisher name the page gives (og:site_name or JSON-LD publisher).",
    "title": "Headline, cleaned of the site-name suffix.",
    "authors": 'JSON array of author names, e.g. `["Maya Okonkwo"]`; `[]` when unknown.',
    "published_at": "Publication time, ISO 8601 in UTC (`2026-03-10T09:00:00+00:00`); "
    "NULL when the page gives none.",
    "modified_at": "Last modification time the page declares, ISO 8601 UTC, or NULL.",
    "lede": "The standfirst/summary: the body's first paragraph when that is the page's "
    "summary, or a standfirst shown apart from the text (then not in `body`); NULL when "
    "there is neither.",
    "body": "The whole article text, first paragraph included, as clean plain text; "
    "paragraphs separated by a blank line. It may open with the `lede`.",
    "word_count": ("Words in `body` (text in scripts written without spaces, such as "
                   "Chinese, Japanese or Thai, counted in English-word equivalents: "
                   "1.5 Han characters, 3 kana or 4 Thai characters a word)."),
    "language": "ISO 639-1 code (`en`, `de`), declared by the page or guessed from the text.",
    "tags": "JSON array of the page's tags/keywords.",
    "source_credit": 'The agency or outlet credited as the source ("Source: Reuters" → '
    "`Reuters`), or NULL.",
    "fetched_at": "When the content stored here was last fetched (ISO 8601 UTC).",
    "first_seen_at": "When the crawl first stored this URL (ISO 8601 UTC).",
    "updated_at": "When the title or body last changed (ISO 8601 UTC).",
    "content_hash": "sha1 of the normalised body; a changed hash re-runs de-duplication.",
    "cluster_id": "The story this article belongs to: the id of the cluster's canonical "
    "article (`clusters.cluster_id`).",
    "is_canonical": "1 for the one article that represents its story, else 0.",
    "partial_of": "For an excerpt/teaser: the id of the full article it was taken from; else NULL.",
    "source_lastmod": "The lastmod the feed or sitemap gave when this version was fetched.",
    "extractor_version": "Version of the cleaning code that produced this row "
    "(`ainews reprocess` re-cleans older rows).",
}

_STORY_SPREAD_COLUMNS = {
    "cluster_id": "The story (`clusters.cluster_id`).",
    "canonical_id": "The story's canonical article (`articles.id`).",
    "title": "The canonical article's title.",
    "size": "Number of articles (copies, rewrites, excerpts) in the story.",
    "site_count": "Number of distinct sites that carried it.",
    "sites": "JSON array of those sites, in the order they first published it.",
    "first_site": "The site that published it first.",
    "urls": "JSON array of every copy's URL, in order of publication.",
    "first_published_at": "Earliest `published_at` of any copy.",
    "last_published_at": "Latest `published_at` of any copy.",
    "first_seen_at": "When the crawl first stored any copy.",
    "last_seen_at": "When a copy was last fetched.",
    "spread_hours": "Hours between the first and the last publication: how long it took to spread.",
}

TABLES: dict[str, TableDoc] = {
    "articles": TableDoc(
        "One row per article URL: the cleaned text and metadata. Duplicates of the same "
        "story on other URLs are kept and grouped by `cluster_id`.",
        _ARTICLE_COLUMNS,
    ),
    "pages": TableDoc(
        "The raw HTTP response of each article, kept so `ainews reprocess` can re-clean "
        "without crawling.",
        {
            "article_id": "The article (`articles.id`).",
            "url": "The URL requested, before redirects.",
            "status": "HTTP status code.",
            "content_type": "The Content-Type header.",
            "etag": "The ETag header, for conditional requests.",
            "last_modified": "The Last-Modified header, for conditional requests.",
            "raw_page": "The response body, compressed: a zstd frame (rows stored before "
                        "zstd was adopted hold gzip); `ainews reprocess` reads both.",
            "fetched_at": "When it was fetched (ISO 8601 UTC).",
        },
    ),
    "clusters": TableDoc(
        "One row per story (a group of articles that are copies, rewrites or excerpts "
        "of each other).",
        {
            "cluster_id": "The story's id (the id of its first canonical article).",
            "canonical_id": "The article that represents the story (`articles.id`).",
            "size": "Number of articles in the story.",
            "sites": "Number of distinct sites that carried it.",
            "first_published_at": "Earliest publication time of any copy.",
            "last_published_at": "Latest publication time of any copy.",
            "updated_at": "When this row was last recomputed.",
        },
    ),
    "cluster_members": TableDoc(
        "Why each non-canonical article belongs to its story: how it relates to the "
        "article it was measured against, with the score and each side's covered share, "
        "so borderline copies can be audited (`ainews dedupe --explain ID1 ID2` shows the "
        "rule that decided). Canonical articles have no row.",
        {
            "article_id": "The article (`articles.id`).",
            "cluster_id": "Its story (`articles.cluster_id`, the canonical's id).",
            "relation": "`exact` (same normalised body), `near_copy` (each side mostly "
            "covered by the other), or `excerpt` (the opening of the story).",
            "compared_with": "The article the evidence was measured against: the "
            "canonical; for an excerpt, the story's canonical; for a copy of an excerpt, "
            "that excerpt; for a copy that joined by matching most of the story's earliest "
            "copies, the best-matching one of them.",
            "score": "0-1: the smaller of the two shares (near-copy) or the excerpt's share.",
            "share_article": "Share of this article's words inside 3-grams the other also "
            "has (for an excerpt: of its own text, outside text common across the corpus).",
            "share_compared": "The same share of `compared_with`'s words.",
        },
    ),
    "crawl_runs": TableDoc(
        "One row per `ainews crawl`: when it ran, how it ended and what it did.",
        {
            "id": "Run number.",
            "started_at": "Start time (ISO 8601 UTC).",
            "finished_at": "End time, NULL while running.",
            "status": "`running`, `ok`, `partial` (some sites unreadable), `failed` or "
            "`interrupted` (the process was killed).",
            "exit_code": "The exit code the command returned.",
            "sites": "JSON array of the sites crawled.",
            "requests": "HTTP requests sent.",
            "responses": "HTTP responses received.",
            "bytes": "Bytes downloaded.",
            "articles_new": "Articles stored for the first time.",
            "articles_updated": "Articles whose title or body changed.",
            "articles_unchanged": "Articles fetched again without a change.",
            "skipped": "Pages not stored (total of `skip_reasons`).",
            "skip_reasons": 'JSON object: reason → count, e.g. `{"http_404": 2, "robots_txt": 1}`.',
            "errors": "Errors logged.",
            "finish_reason": "Why the crawl stopped (Scrapy's finish reason).",
            "failed_sites": "JSON array of sites none of whose feeds, sitemaps or listings "
            "could be read in this run (a moved feed, a site blocking the crawler).",
        },
    ),
    "frontier": TableDoc(
        "URLs discovered in feeds, sitemaps and listings, so an interrupted crawl resumes.",
        {
            "url": "The article URL.",
            "site": "The site it belongs to.",
            "kind": "`article`, `sitemap` or `listing` (a child sitemap, a next page).",
            "lastmod": "Last modification time the feed or sitemap gave.",
            "discovered_at": "When it was first discovered.",
            "state": "`pending`, `done` or `failed`.",
            "attempts": "Failed fetch attempts so far.",
            "last_error": "The last fetch error, if any.",
            "last_tried_at": "When a crawl last took it to fetch (that run's start time).",
        },
    ),
    "validators": TableDoc(
        "HTTP validators of feeds and sitemaps, for conditional (304) requests.",
        {
            "url": "The feed or sitemap URL.",
            "etag": "Its last ETag.",
            "last_modified": "Its last Last-Modified header.",
            "checked_at": "When it was last requested.",
        },
    ),
    "warc_records": TableDoc(
        "WARC records `ainews import-warc` has cleaned, by WARC-Record-ID, so a repeated or "
        "interrupted import skips them.",
        {
            "record_id": "The record's WARC-Record-ID (`<urn:uuid:...>`).",
            "run_id": "The `crawl_runs` row of the import that read it.",
            "outcome": "`new`, `updated`, `unchanged`, or why it gave no article "
            "(e.g. `no_article_text`).",
            "imported_at": "When it was imported (ISO 8601 UTC).",
        },
    ),
    "articles_fts": TableDoc(
        "FTS5 full-text index (porter stemming) over `articles.title` and `articles.body`, "
        "kept in sync by triggers on insert, update and delete. Its rowid is "
        "`articles.rowid`. The `articles_fts_*` tables are its internal storage.",
        {
            "title": "Indexed copy of `articles.title`.",
            "body": "Indexed copy of `articles.body`.",
        },
    ),
    "unique_articles": TableDoc(
        "View: one row per story (the canonical article of each cluster); the columns "
        "of `articles`, plus `fts_rowid`.",
        {
            **_ARTICLE_COLUMNS,
            "fts_rowid": "The article's rowid in `articles_fts` (what Datasette's search "
            "box on this view joins on).",
        },
    ),
    "article_versions": TableDoc(
        "Every stored version of every article: a new row each time a fetch finds the "
        "title or body changed (silent edits, corrections, re-cleaning by `ainews "
        "reprocess`), so nothing a page once said is lost. Version 1 is the first "
        "stored text; the latest version is what `articles` holds.",
        {
            "article_id": "The article (`articles.id`).",
            "version": "1, 2, … in the order the versions were stored.",
            "fetched_at": "When this version was fetched (ISO 8601 UTC).",
            "title": "The title in this version.",
            "body": "The body in this version.",
            "content_hash": "sha1 of the normalised body (as `articles.content_hash`).",
            "word_count": "Words in this version's body.",
            "words_added": "Words in this body that the previous version did not have "
            "(compared as multisets of words); NULL for version 1.",
            "words_removed": "Words of the previous version's body that are gone; NULL "
            "for version 1.",
            "title_changed": "1 when the title differs from the previous version's.",
            "summary": "A short summary of the change, e.g. `title changed; +12 −3 words`.",
            "extractor_version": "The cleaning code version that produced this text (a "
            "new version with the same `fetched_at` is a re-cleaning, not an edit).",
        },
    ),
    "article_changes": TableDoc(
        "View: the articles that changed after they were first stored, and how much.",
        {
            "article_id": "The article (`articles.id`).",
            "site": "Its site.",
            "title": "Its current title.",
            "first_title": "The title it was first stored with.",
            "versions": "Number of stored versions (2 or more).",
            "first_fetched_at": "When the first version was fetched.",
            "last_changed_at": "When the latest version was fetched.",
            "words_added": "Words added over all changes.",
            "words_removed": "Words removed over all changes.",
            "title_changes": "How many times the title changed.",
            "url": "The article's URL.",
        },
    ),
    "story_spread": TableDoc(
        "View: per story, which sites carried it, in what order, and how long it took to spread.",
        _STORY_SPREAD_COLUMNS,
    ),
}

#: Tables of the de-duplication index (dedupe/index.py): internal, hidden in Datasette.
INTERNAL_PREFIXES = ("dedupe_", "articles_fts_")


@dataclass(frozen=True)
class Query:
    title: str
    description: str
    sql: str


def since_sql(param: str = ":since") -> str:
    """``param`` as a date bound, or an error naming the fix when it is not text.

    In the ``sqlite3`` shell ``.parameter set :since 2026-03-09`` stores the number
    2026 - 3 - 9 = 2014, which every ISO date is "greater" than: the filter would silently
    keep everything. json_extract's path error is the one way a SELECT can raise a message.
    """
    return (
        f"CASE WHEN typeof({param}) = 'text' THEN {param} ELSE json_extract('{{}}', "
        f"'{param} must be a date in quotes: .parameter set {param} \"''2026-03-09''\"') END"
    )


def story_sql() -> str:
    """One story: its canonical article and every copy, in order of publication, with the
    verified relation and score of each copy (``cluster_members``)."""
    derived = (
        "CASE WHEN a.is_canonical = 1 THEN 'canonical' "
        "WHEN a.partial_of IS NOT NULL THEN 'excerpt' ELSE 'copy' END"
    )
    canonical = "CASE WHEN a.is_canonical = 1 THEN 'canonical' END"
    return f"""SELECT row_number() OVER (
           ORDER BY coalesce(a.published_at, a.first_seen_at), a.id) AS position,
       coalesce({canonical}, cm.relation, {derived}) AS relation, cm.score AS score,
       a.site, a.site_name, a.published_at,
       round((julianday(a.published_at) - julianday(c.first_published_at)) * 24, 2)
           AS hours_after_first,
       a.title, a.word_count, a.source_credit, a.url, a.id AS article_id
FROM articles a
JOIN clusters c ON c.cluster_id = a.cluster_id
LEFT JOIN cluster_members cm ON cm.article_id = a.id
WHERE a.cluster_id = :cluster_id
ORDER BY position"""


QUERIES: dict[str, Query] = {
    "search_stories": Query(
        "Search stories",
        "Full-text search, ranked, once per story: every copy is searched, each story "
        "appears once (as its canonical article) at the rank of its best-matching copy, "
        "with a snippet; title matches weigh 10× body matches. `q` is searched as words: "
        "`Meridian-3`, `GPT-4o`, `C++`, `open-weights` all work, and every word must "
        "match. Start `q` with `fts:` for FTS5 syntax: `fts: qwen OR llama`, "
        '`fts: "open weights"`, `fts: chip*`.',
        SEARCH_STORIES_SQL,
    ),
    "reported_about": Query(
        "What was reported about…",
        "Stories with a copy published since `since` (YYYY-MM-DD) matching `q` (words, "
        "as in `search_stories`), once per story: which site carried it first, who "
        "followed, how fast. For \"this week\" in SQL, use `date('now', '-7 days')` for "
        ":since.",
        f"""SELECT s.first_published_at, s.title, s.first_site, s.sites, s.size AS copies,
       s.spread_hours, s.cluster_id
FROM story_spread s
WHERE s.cluster_id IN (
    SELECT a.cluster_id FROM articles_fts
    JOIN articles a ON a.rowid = articles_fts.rowid
    WHERE articles_fts MATCH ({match_sql()})
      AND a.published_at >= {since_sql()})
ORDER BY s.first_published_at""",
    ),
    "story": Query(
        "Story",
        "One story (`cluster_id`, e.g. from `story_spread` or an article's `cluster_id`): "
        "every copy in order of publication, with its site, relation to the canonical "
        "article (`canonical`, `copy`, `excerpt`), verification score where known, and "
        "how many hours after the first publication it appeared.",
        story_sql(),
    ),
    "latest_stories": Query(
        "Latest stories",
        "The 100 most recently published stories, once per story, with how many sites "
        "carried each.",
        """SELECT a.published_at, a.site, a.title, c.size AS copies, c.sites AS site_count,
       a.cluster_id, a.url
FROM articles a
LEFT JOIN clusters c ON c.cluster_id = a.cluster_id
WHERE a.is_canonical = 1 AND a.published_at IS NOT NULL
ORDER BY a.published_at DESC, a.id
LIMIT 100""",
    ),
    "multi_site_stories": Query(
        "Stories carried by several sites",
        "Stories carried by more than one site, newest first: which site had it first, "
        "who followed, and how many hours it took to spread (the `story_spread` view has "
        "every story, with URLs).",
        """SELECT s.first_published_at, s.title, s.first_site, s.sites, s.site_count,
       s.size, s.spread_hours, s.cluster_id
FROM story_spread s
WHERE s.cluster_id IN (SELECT cluster_id FROM clusters WHERE sites > 1
                       ORDER BY first_published_at DESC LIMIT 100)
ORDER BY s.first_published_at DESC""",
    ),
    "borderline_copies": Query(
        "Borderline copies",
        "Articles counted as copies on the weakest evidence, to audit: the relation, the "
        "score and how much of each side the other covers. "
        "`ainews dedupe --db DB --explain ARTICLE COMPARED_WITH` says which rule decided.",
        """SELECT m.score, m.relation, m.share_article, m.share_compared,
       a.site, a.title, c.site AS compared_site, c.title AS compared_title,
       m.article_id, m.compared_with
FROM cluster_members m
JOIN articles a ON a.id = m.article_id
JOIN articles c ON c.id = m.compared_with
WHERE m.relation != 'exact'
ORDER BY m.score, m.article_id
LIMIT 50""",
    ),
    "top_sources": Query(
        "Top sources",
        "Per site: articles and stories it carried, stories it broke (published first, "
        "then carried by other sites), stories it followed, excerpts, latest article.",
        """SELECT a.site, count(*) AS articles, count(DISTINCT a.cluster_id) AS stories,
       coalesce(sum(c.sites > 1 AND a.published_at = c.first_published_at), 0) AS broke,
       coalesce(sum(c.sites > 1 AND a.published_at > c.first_published_at), 0) AS followed,
       sum(a.partial_of IS NOT NULL) AS excerpts,
       max(a.published_at) AS latest
FROM articles a
LEFT JOIN clusters c ON c.cluster_id = a.cluster_id
GROUP BY a.site
ORDER BY broke DESC, stories DESC, a.site""",
    ),
    "sources_credited": Query(
        "Sources credited",
        'The agencies and outlets articles credit ("Source: Reuters"): how many articles '
        "and stories credit each, on which sites, and the latest.",
        """SELECT a.source_credit, count(*) AS articles,
       count(DISTINCT a.cluster_id) AS stories,
       json_group_array(DISTINCT a.site) AS sites, max(a.published_at) AS latest
FROM articles a
WHERE a.source_credit IS NOT NULL
GROUP BY a.source_credit
ORDER BY stories DESC, articles DESC, a.source_credit""",
    ),
    "recent_changes": Query(
        "Recent changes",
        "Silent edits and corrections: the last 100 times a stored article's title or "
        "body changed, newest first, with the title before and after and the words "
        "added and removed (every version is in `article_versions`).",
        """SELECT v.fetched_at AS changed_at, a.site, p.title AS old_title,
       v.title AS new_title, v.words_added, v.words_removed, v.summary,
       v.version, v.article_id, a.url
FROM article_versions v
JOIN article_versions p ON p.article_id = v.article_id AND p.version = v.version - 1
JOIN articles a ON a.id = v.article_id
WHERE v.version > 1
ORDER BY v.fetched_at DESC, v.article_id, v.version DESC
LIMIT 100""",
    ),
}
