"""What every table, view and column of the database means, and the queries analysts run.

One source for the Datasette metadata (``exports.serve``) and the schema reference
(``docs/schema.md``, rendered by ``exports.schema_doc``); ``tests/test_schema_docs.py``
fails when a column of a freshly migrated database is described in neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    "lede": "The standfirst/summary paragraph shown above the body, or NULL.",
    "body": "Clean plain text of the article; paragraphs separated by a blank line; "
    "never starts with the lede.",
    "word_count": "Words in `body`.",
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
    "partial_of": "For an excerpt/teaser: the id of the full article it was taken from; "
    "else NULL.",
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
    "spread_hours": "Hours between the first and the last publication: how long it took "
    "to spread.",
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
            "raw_gzip": "The response body, gzip-compressed.",
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
        "View: one row per story (the canonical article of each cluster); same columns "
        "as `articles`.",
        _ARTICLE_COLUMNS,
    ),
    "story_spread": TableDoc(
        "View: per story, which sites carried it, in what order, and how long it took "
        "to spread.",
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


QUERIES: dict[str, Query] = {
    "search_stories": Query(
        "Search stories",
        "Full-text search, ranked, once per story: every copy is searched, each story "
        "appears once (as its canonical article) at the rank of its best-matching copy; "
        "title matches weigh 10× body matches. `q` uses FTS5 syntax: `qwen`, "
        '`"open weights"`, `qwen OR llama`, `chip*`.',
        """WITH hits AS MATERIALIZED (
    SELECT m.cluster_id, articles_fts.rowid AS hit, bm25(articles_fts, 10.0, 1.0) AS score
    FROM articles_fts JOIN articles m ON m.rowid = articles_fts.rowid
    WHERE articles_fts MATCH :q),
best AS (  -- hit: the best copy's rowid (SQLite takes bare columns from the min() row)
    SELECT cluster_id, hit, min(score) AS score FROM hits
    GROUP BY cluster_id ORDER BY score LIMIT 50)
SELECT a.title, a.site, a.published_at, c.size AS copies, c.sites AS site_count,
       (SELECT snippet(articles_fts, -1, '[', ']', '…', 12) FROM articles_fts
        WHERE articles_fts MATCH :q AND rowid = best.hit) AS snippet, a.url
FROM best
JOIN articles a ON a.cluster_id = best.cluster_id AND a.is_canonical = 1
LEFT JOIN clusters c ON c.cluster_id = a.cluster_id
ORDER BY best.score""",
    ),
    "reported_about": Query(
        "What was reported about…",
        "Stories with a copy published since `since` (YYYY-MM-DD) matching `q` (FTS5 "
        "syntax), once per story: which site carried it first, who followed, how fast. "
        "For \"this week\" in SQL, use `date('now', '-7 days')` for `:since`.",
        """SELECT s.first_published_at, s.title, s.first_site, s.sites, s.size AS copies,
       s.spread_hours
FROM story_spread s
WHERE s.cluster_id IN (
    SELECT a.cluster_id FROM articles_fts
    JOIN articles a ON a.rowid = articles_fts.rowid
    WHERE articles_fts MATCH :q AND a.published_at >= :since)
ORDER BY s.first_published_at""",
    ),
    "latest_stories": Query(
        "Latest stories",
        "The 100 most recently published stories, once per story, with how many sites "
        "carried each.",
        """SELECT a.published_at, a.site, a.title, c.size AS copies, c.sites AS site_count,
       a.url
FROM articles a
LEFT JOIN clusters c ON c.cluster_id = a.cluster_id
WHERE a.is_canonical = 1 AND a.published_at IS NOT NULL
ORDER BY a.published_at DESC, a.id
LIMIT 100""",
    ),
    "story_spread": Query(
        "Story spread",
        "Stories carried by more than one site, newest first: which site had it first, "
        "who followed, and how many hours it took to spread.",
        """SELECT s.first_published_at, s.title, s.first_site, s.sites, s.site_count,
       s.size, s.spread_hours
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
}
