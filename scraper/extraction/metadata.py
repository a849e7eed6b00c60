"""Article metadata from JSON-LD, OpenGraph/meta tags, <time> elements, bylines and the URL.

Contract: ``extract_metadata(tree, url)`` reads the parsed page and must not modify it.
Each field is taken from the most trusted source that gives a plausible value: JSON-LD
first (publishers fill it for search engines), then meta tags, then visible elements,
then the URL. No per-publisher rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice

import lxml.etree
import lxml.html

from ainews.scraper.extraction import authors as bylines
from ainews.scraper.extraction import dates, jsonld, labels, language, titles
from ainews.scraper.extraction.credit import parse_credit
from ainews.scraper.extraction.text import fold
from ainews.scraper.extraction.walk import following
from ainews.scraper.urls import join_url

Html = lxml.html.HtmlElement
Metas = dict[str, list[str]]  # <meta> values by lower-case name, in page order

#: Meta names (lower case) for each field, most trusted first.
PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "article:published",
    "datepublished", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued",
    "citation_publication_date", "citation_online_date", "citation_date", "publish-date",
    "publishdate", "publish_date", "pubdate", "publication_date", "date.available",
    "date.created", "dcterms.created", "dc.date.created", "og:published_time",
    "cxenseparse:recs:publishtime", "dc.date", "date", "article.published",
    "article:published:time",
)
MODIFIED_KEYS = (
    "article:modified_time", "og:article:modified_time", "datemodified", "og:updated_time",
    "dc.date.modified", "dcterms.modified", "date.updated", "date.modified", "last-modified",
    "article.updated", "lastmod", "article:modified:time",
)
#: Author keys whose convention is the catalogue order "Last, First".
CATALOGUE_AUTHOR_KEYS = frozenset({"dc.creator", "dcterms.creator", "citation_author"})
AUTHOR_KEYS = (
    "author", "article:author", "parsely-author", "sailthru.author", "dc.creator",
    "dcterms.creator", "citation_author", "byl", "cxenseparse:author", "article.author",
    "twitter:misc:written by",  # Yoast's label/value pair for link previews
)
TITLE_KEYS = ("og:title", "twitter:title", "parsely-title", "sailthru.title", "dc.title",
              "citation_title", "headline", "title")
DESCRIPTION_KEYS = ("og:description", "description", "twitter:description",
                    "sailthru.description", "dc.description")
TAG_KEYS = ("article:tag", "news_keywords", "keywords", "parsely-tags", "sailthru.tags",
            "dc.subject", "mrf:tags")
SITE_KEYS = ("og:site_name", "application-name", "apple-mobile-web-app-title",
             "publisher", "dc.publisher")
LANGUAGE_KEYS = ("og:locale", "content-language", "language", "dc.language", "lang")
#: Only explicit syndication tags: "source" and "dc.source" hold citations and section names.
CREDIT_KEYS = ("original-source", "syndication-source")
#: Most tags a page gets; beyond this a keywords field is SEO stuffing, not topics.
MAX_TAGS = 30
#: A tag longer than this (characters) is a sentence or a broken split.
MAX_TAG_CHARS = 60
#: Visible byline containers: elements marked as the author's (``rel``/``itemprop``), with
#: one of these substrings in their ``class`` or ``data-testid``, or linking to an author's
#: page (WordPress, most CMSs) without a byline class. ``_is_byline_marked`` tests one
#: element; ``_BYLINE_NODES`` finds them all, visiting attributes rather than elements
#: (3x faster than ``//*[contains(@class, ...) or ...]``, which reads every attribute of
#: every element eleven times).
BYLINE_CLASSES = ("byline", "author", "Author", "Byline")
BYLINE_TESTIDS = ("byline",)
AUTHOR_HREFS = ("/author/", "/autor/", "/authors/", "/autoren/")


def _contains_any(values: tuple[str, ...]) -> str:
    return " or ".join(f'contains(., "{value}")' for value in values)


_BYLINE_NODES = lxml.etree.XPath(
    f"//@class[{_contains_any(BYLINE_CLASSES)}]/parent::*"
    ' | //@rel[.="author"]/parent::* | //@itemprop[.="author"]/parent::*'
    f" | //@data-testid[{_contains_any(BYLINE_TESTIDS)}]/parent::*"
    f" | //@href[{_contains_any(AUTHOR_HREFS)}]/parent::*"
)


def _is_byline_marked(el: Html) -> bool:
    """``el`` is one of the elements ``_BYLINE_NODES`` finds."""
    cls, testid, href = el.get("class") or "", el.get("data-testid") or "", el.get("href") or ""
    return (el.get("rel") == "author" or el.get("itemprop") == "author"
            or any(word in cls for word in BYLINE_CLASSES)
            or any(word in testid for word in BYLINE_TESTIDS)
            or any(path in href for path in AUTHOR_HREFS))


#: Class words of author-related elements that are not a byline (bio, avatar, follow box,
#: the credit of an embedded video or of a teaser for another article).
NOT_BYLINE = re.compile(r"bio|image|img|avatar|photo|pic|social|follow|description|"
                        r"more|list-item-desc|date|time|comment|media|teaser", re.IGNORECASE)
#: Containers whose bylines belong to other articles or to the site (menus, sidebars).
OFF_ARTICLE = frozenset({"nav", "footer", "aside"})
NOT_TEXT = frozenset({"meta", "link", "script", "style", "img", "body", "html", "noscript"})
#: A "By Jane Doe" line without byline markup; looked for just after the headline.
BY_LINE = re.compile(r"^\s*(?:by|von|por|par|door)\s+\w", re.IGNORECASE)
BY_LINE_TAGS = frozenset({"p", "span", "div", "li", "address", "strong", "em", "b", "a"})
#: Elements scanned after the <h1> for such a line: a headline block (kicker, standfirst,
#: share buttons, picture) rarely takes more.
BY_LINE_WINDOW = 150
#: Elements scanned after the headline for a visible dateline: it sits below the headline,
#: but after a standfirst, byline box, share buttons and icons (150 elements, as for the
#: byline; 40 missed half the datelines of the benchmark's pages without date markup).
#: Further down dates belong to teasers and related stories; the first date found wins.
DATELINE_WINDOW = 150
#: <h2>/<h3> elements tried as the headline when no <h1> shows the title.
MAX_HEADINGS = 150
#: A byline longer than this (characters) is an author bio or a whole block.
MAX_BYLINE_CHARS = 150
#: A dateline ("Do 25.04.24 | 14:07 Uhr") is short; longer texts are sentences with dates.
MAX_DATELINE_CHARS = 60
_VISIBLE_TEXT = lxml.etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]",
    smart_strings=False)  # compiled once; plain strings, no link back to the tree
MAX_BYLINE_NODES = 40  # enough for the article's own byline; a list page has many more


@dataclass
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: str | None = None  # ISO 8601, UTC
    modified_at: str | None = None  # ISO 8601, UTC
    description: str | None = None  # the page's summary (meta/og description, standfirst)
    tags: list[str] = field(default_factory=list)
    language: str | None = None  # ISO 639-1 code, e.g. "en"
    canonical_url: str | None = None
    site_name: str | None = None
    source_credit: str | None = None  # "Source: TechCrunch" → "TechCrunch"


def _meta_map(tree: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """Every <meta> value by lower-case name/property/itemprop/http-equiv, in page order."""
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            if name := (meta.get(attr) or "").strip().lower():
                found.setdefault(name, []).append(content)
    return found


def _values(metas: dict[str, list[str]], keys: Iterable[str]) -> list[str]:
    return [value for key in keys for value in metas.get(key, [])]


def _text(element: lxml.html.HtmlElement) -> str:
    """Visible text: script, style and comment contents left out."""
    if element.tag not in NOT_TEXT:
        return fold(" ".join(_VISIBLE_TEXT(element)))
    return ""


def _heading(h1: lxml.html.HtmlElement) -> list[str]:
    """An <h1>'s text, then its children's texts when it has several (kicker + headline)."""
    parts = [text for child in h1 if (text := _text(child))]
    return [_text(h1)] + (parts if len(parts) > 1 else [])


def _headline_element(tree: Html, h1s: list[Html], title: str | None) -> Html | None:
    """The heading that shows the chosen title (an <h2>/<h3> on pages whose <h1> is the
    logo), else the first <h1>: bylines and datelines are looked for after it."""
    wanted = titles.key(title or "")
    if wanted:
        # the <h2>/<h3> walk only when no <h1> shows the title (most pages stop at one)
        for heading in chain(h1s, islice(tree.iter("h2", "h3"), MAX_HEADINGS)):
            if wanted in titles.key(_text(heading)):
                return heading
    return h1s[0] if h1s else None


def _in_off_article(element: lxml.html.HtmlElement) -> bool:
    """Inside navigation, a footer, a sidebar or the page's (not the article's) header."""
    tags = {parent.tag for parent in element.iterancestors()}
    return bool(tags & OFF_ARTICLE) or ("header" in tags and not tags & {"article", "main"})


#: Microdata items that are an article (schema.org Article, NewsArticle, BlogPosting, ...).
_ARTICLE_ITEMS = lxml.etree.XPath(
    '//*[@itemscope][contains(@itemtype, "Article") or contains(@itemtype, "Posting")]')


def _main_item_author(tree: Html, el: Html) -> bool:
    """``el`` is the ``itemprop="author"`` of the page's first article item (microdata):
    the article's own credit even in an <aside> or <footer> of the article."""
    if el.get("itemprop") != "author":
        return False
    item = next((a for a in el.iterancestors() if a.get("itemscope") is not None), None)
    items = _ARTICLE_ITEMS(tree)
    return item is not None and bool(items) and item is items[0]


def _first_date(values: Iterable[str | None]) -> dates.datetime | None:
    for value in values:
        if parsed := dates.plausible(dates.parse_date(value)):
            return parsed
    return None


_ITEMPROP_NODES = lxml.etree.XPath("//@itemprop[. = $prop]/parent::*[not(self::meta)]")


def _time_elements(tree: lxml.html.HtmlElement, prop: str) -> list[str]:
    """Dates in visible markup: ``itemprop`` holders first, then <time datetime> elements."""
    found = [el.get("datetime") or el.get("content") or _text(el)
             for el in _ITEMPROP_NODES(tree, prop=prop)]
    if prop == "datePublished":
        times = [t for t in tree.iter("time") if not _in_off_article(t)]
        times.sort(key=lambda t: "publi" not in (t.get("class") or "") + str(t.get("pubdate")))
        found += [t.get("datetime") or _text(t) for t in times]
    return found


#: Labels of a dateline's update ("Updated: ...", "Aktualisiert am ...") and publication
#: ("Published ...", "erschienen am ...") dates: a page often shows both, the update
#: first, and the first date after the headline is then not the publication date.
_DATE_LABELS = re.compile(
    r"\b(?:(?P<updated>(?:last\s+)?updated|modified|aktualisiert|geändert|mis\s+à\s+jour|"
    r"actualizad[oa]|aggiornat[oa]|atualizad[oa]|bijgewerkt|oppdatert|uppdaterad|"
    r"opdateret|zaktualizowano|обновлено|оновлено)"
    r"|(?P<published>(?:first\s+)?published|posted|veröffentlicht|erschienen|publié|"
    r"publicad[oa]|pubblicat[oa]|gepubliceerd|publisert|publicerad|opublikowano|"
    r"опубликовано))\b", re.IGNORECASE)

#: Headings that start a section: after the text has begun, one ends the dateline scan.
_SECTION_HEADINGS = frozenset({"h2", "h3", "h4"})
#: A paragraph this long (characters) is prose: the article has begun below the headline.
_PROSE_CHARS = 200
#: A dateline opening the text's first paragraph, before a dash: "Feb. 23, 2015 -- ...".
_DATELINE_LEAD = re.compile(r"^(\S.{5,58}?)\s+(?:--|[-–—])\s+")


def _labelled_parts(text: str, label: str | None) -> list[tuple[str | None, str]]:
    """``text`` cut before each update or publication label: ``(kind, part)`` with kind
    "updated", "published" or ``label`` (what a label just before the text said)."""
    marks = [(m.start(), m.lastgroup) for m in _DATE_LABELS.finditer(text)]
    if not marks:
        return [(label, text)]
    starts = [(0, label), *marks]
    ends = [start for start, _ in marks] + [len(text)]
    return [(kind, part) for (start, kind), end in zip(starts, ends, strict=True)
            if (part := text[start:end].strip())]


def _dateline(tree: Html, h1: Html | None) -> tuple[list[str], list[str]]:
    """Short texts with digits just after the headline, where a visible dateline sits:
    those that may be the publication date, and those labelled as an update."""
    if h1 is None:
        return [], []
    published: list[str] = []
    updated: list[str] = []
    label = None  # a label alone ("<b>Updated:</b> 6 March") applies to the next text
    prose = False  # the text has begun: a heading after it starts teasers ("Suggested reads")
    for element in following(h1, DATELINE_WINDOW):
        if prose and element.tag in _SECTION_HEADINGS and _text(element):
            break
        prose = prose or (element.tag == "p" and len(_text(element)) >= _PROSE_CHARS)
        # The tail too: "<b>Published:</b> 03.07.2024", "Jane Doe<br>28.04.2024".
        for text in (fold(element.text or ""), fold(element.tail or "")):
            if len(text) > MAX_DATELINE_CHARS and (lead := _DATELINE_LEAD.match(text)):
                text = lead[1]  # "Feb. 23, 2015 -- The text begins ..."
            if not text or len(text) > MAX_DATELINE_CHARS:
                continue
            if len(text) >= 6 and any(ch.isdigit() for ch in text):
                for kind, part in _labelled_parts(text, label):
                    (updated if kind == "updated" else published).append(part)
                label = None
            elif marks := [m.lastgroup for m in _DATE_LABELS.finditer(text)]:
                label = marks[-1]
    return published, updated


def _dates(tree: Html, metas: Metas, ld: jsonld.LdArticle, url: str,
           h1: Html | None, canonical: str | None) -> tuple[str | None, str | None]:
    dateline: tuple[list[str], list[str]] = ([], [])  # read only when markup gives no date
    published = (
        _first_date(ld.published)
        or _first_date(_values(metas, PUBLISHED_KEYS))
        or _first_date(_time_elements(tree, "datePublished"))
        or dates.plausible(dates.url_date(url))
        # an AMP, mobile or tracking URL without the date of the article's own URL
        or dates.plausible(dates.url_date(canonical or ""))
        or _first_date((dateline := _dateline(tree, h1))[0])
        or _first_date(labels.labelled(tree, labels.DATE_LABEL))
        or _first_date(dateline[1])  # no other date: an updated story was new that day
    )
    modified = (
        _first_date(ld.modified)
        or _first_date(_values(metas, MODIFIED_KEYS))
        or _first_date(_time_elements(tree, "dateModified"))
        or _first_date(dateline[1])
    )
    if modified and published and modified < published:
        modified = None  # a modified date before publication is a template default
    return (dates.to_iso(published) if published else None,
            dates.to_iso(modified) if modified else None)


def _byline_text(element: Html) -> str:
    """A byline's visible text with its ``<br>``-separated lines kept apart by " | ": in
    "By Jane Doe, MD<br>Health News" the second line is a desk, not more of the name."""
    if element.find(".//br") is None:
        return _text(element)
    pieces: list[str] = []

    def walk(el: Html) -> None:
        if el.tag == "br":
            pieces.append("\n")
        elif isinstance(el.tag, str) and el.tag not in NOT_TEXT:
            pieces.append(el.text or "")
            for child in el:
                walk(child)
                pieces.append(child.tail or "")

    walk(element)
    return " | ".join(line for line in map(fold, "".join(pieces).split("\n")) if line)


def _byline_texts(element: lxml.html.HtmlElement) -> list[str]:
    """One string per author link when a byline holds several, else the byline's text.

    A "By X, in Section, Section" line keeps its text: its links are the sections.
    """
    text = _byline_text(element)
    links = [link for a in element.iter("a") if (link := _text(a))]
    return links if len(links) > 1 and not BY_LINE.match(text) else [text]


def _byline_nodes(tree: lxml.html.HtmlElement, h1: lxml.html.HtmlElement | None) -> list:
    """Byline-like elements, nearest after the headline first (the article's own byline)."""
    order = {el: i for i, el in enumerate(tree.iter())}
    nodes = [el for el in _BYLINE_NODES(tree)[:MAX_BYLINE_NODES]
             if el.tag not in NOT_TEXT and not NOT_BYLINE.search(el.get("class") or "")
             and (not _in_off_article(el) or _main_item_author(tree, el))]
    start = order.get(h1, 0)
    for el in list(order)[start:start + BY_LINE_WINDOW]:
        if el.tag in BY_LINE_TAGS and BY_LINE.match(el.text or ""):
            nodes.append(el)
    return sorted(nodes, key=lambda el: (order[el] < start, abs(order[el] - start)))


def _visible_bylines(tree: Html, h1: Html | None, sites: list[str]) -> list[str]:
    """The names of the byline nearest the headline that names anyone."""
    for element in _byline_nodes(tree, h1):
        texts = [t for t in _byline_texts(element) if 0 < len(t) <= MAX_BYLINE_CHARS]
        if any(bylines.split_byline(t) for t in texts):
            return texts
    return []


def _fuller_byline(h1: lxml.html.HtmlElement | None, people: list[str],
                   sites: list[str]) -> list[str]:
    """The byline under the headline when it names everyone in ``people`` and more
    people (JSON-LD sometimes lists only the first of several authors); else ``people``.

    The added names must look like a person's ("Jane Doe", not "Read in app", "WATCH
    LIVE", "Paris"): byline boxes also hold link labels, desks and datelines.
    """
    if h1 is None:
        return people
    known = {p.lower() for p in people}
    for element in following(h1, BY_LINE_WINDOW):
        if not _is_byline_marked(element) or element.tag in NOT_TEXT \
                or NOT_BYLINE.search(element.get("class") or ""):
            continue
        names = [name for text in _byline_texts(element) for name in bylines.split_byline(text)]
        if not names:
            continue
        if not known <= {n.lower() for n in names}:
            return people
        added = [n for n in names if n.lower() not in known]
        if added and all(bylines.looks_like_person(n, sites) for n in added):
            return bylines.unique(names)  # in the order the page shows them
        return people
    return people


def _without_single_words(people: list[str], credited: list[str]) -> list[str]:
    """``people`` without one-word or all-lower-case "names" when the same byline gives a
    full name: beside "Jane Doe" a single word is a category link, city or desk code
    ("Jane Doe, Music") and a lower-case text a link label ("Jane Doe, log in"). Scripts
    without spaces or case (Chinese, Japanese, Korean) are never dropped this way: a
    byline of one-word names only is left alone, and their names have no lower case."""
    if not any(len(p.split()) > 1 for p in people if p not in credited):
        return people
    return [p for p in people if p in credited
            or (len(p.split()) > 1 and not (p == p.lower() != p.upper()))]


def _meta_authors(metas: dict[str, list[str]]) -> list[str]:
    """Author meta values, URLs left out. ``<meta name="author">`` describes the whole
    document and templates often fill it site-wide with the owner ("Condé Nast"): when
    the article-level keys name a full name and none of them is that value, it is the
    owner, not this article's author. A user name there ("jdoe") proves nothing."""
    values = [bylines.first_last(v) if key in CATALOGUE_AUTHOR_KEYS else v
              for key in AUTHOR_KEYS for v in metas.get(key, []) if not v.startswith("http")]
    specific = [name for v in _values(metas, AUTHOR_KEYS[1:]) if not v.startswith("http")
                for name in bylines.split_byline(v)]
    if not any(len(name.split()) > 1 for name in specific):
        return values
    known = {re.sub(r"\W+", "", name.lower()) for name in specific}
    generic = [v for v in metas.get("author", []) if not any(
        re.sub(r"\W+", "", name.lower()) in known for name in bylines.split_byline(v))]
    return [v for v in values if v not in generic]


def _authors(tree: Html, metas: Metas, ld: jsonld.LdArticle, sites: list[str],
             h1: Html | None) -> list[str]:
    """People from the most trusted source naming any, with the agencies and desks that
    source credits beside them; the publisher itself only when no person is named.

    Outside JSON-LD a one-word "person" (initials, a city after a comma, a desk code) only
    counts when no source named an organisation.
    """
    meta_values = _meta_authors(metas)
    sources = [
        lambda: [(p.name, p.is_org) for p in ld.authors],
        lambda: [(v, False) for v in meta_values],
        lambda: [(v, False) for v in _visible_bylines(tree, h1, sites)],  # slowest
        lambda: [(v, False) for v in labels.labelled(tree, labels.AUTHOR_LABEL)
                 + labels.name_line(h1)],
    ]
    orgs: list[str] = []
    for rank, source in enumerate(sources):
        people, source_orgs, credited = [], [], []
        for raw, is_org in source():
            for name in bylines.split_byline(raw):
                if is_org or bylines.is_organisation(name, sites):
                    source_orgs.append(name)
                    if not (bylines.is_publisher(name, sites)
                            or bylines.is_section_label(name)):
                        credited.append(name)  # "Reuters", "SDA" beside a reporter
                        people.append(name)
                elif rank == 0 or len(name.split()) > 1 or not (orgs or source_orgs):
                    people.append(name)
        if rank > 0:
            people = _without_single_words(people, credited)
        if len(people) > len(credited):
            people = bylines.unique(people)
            return _fuller_byline(h1, people, sites) if rank == 0 else people
        orgs = orgs or source_orgs
    return bylines.unique(orgs)


#: Links marked as the post's tags (the rel-tag microformat: WordPress writes
#: ``rel="tag"`` on a post's tags and ``rel="category tag"`` on its categories).
_TAG_LINKS = lxml.etree.XPath('//a[contains(concat(" ", normalize-space(@rel), " "), " tag ")]')


def _tag_links(tree: Html) -> list[str]:
    """The texts of the page's rel-tag links outside menus and sidebars."""
    links = _TAG_LINKS(tree)[:MAX_TAGS * 2]
    return [_text(a) for a in links
            if not {parent.tag for parent in a.iterancestors()} & {"nav", "aside"}]


def _tags(tree: Html, metas: Metas, ld: jsonld.LdArticle) -> list[str]:
    """The declared tags (JSON-LD keywords, meta keywords); else the visible tag links."""
    found = []
    for value in ld.keywords + _values(metas, TAG_KEYS):
        found += [fold(t) for t in re.split(r"[,;]", value)]
    found = found if any(found) else _tag_links(tree)
    tags = [t for t in found if t and len(t) <= MAX_TAG_CHARS]
    return bylines.unique(tags)[:MAX_TAGS]


def _credit_nodes(tree: Html) -> Iterator[Html]:
    """Elements whose class names a source or credit, outside pictures (whose credit is
    the photographer's), in document order: XPath's ``//@class[contains(., "source") or
    ...]/parent::*[not(ancestor::figure)]``, read as the caller needs them (it stops at
    the first credit). libxml2 copied every class attribute three times to test it: 0.8
    ms a page against 0.6 for this walk (the 266 benchmark pages)."""
    for element in tree.iter(lxml.etree.Element):
        cls = element.get("class")
        if cls and ("source" in cls or "credit" in cls or "origin" in cls) \
                and next(element.iterancestors("figure"), None) is None:
            yield element


def _credit(tree: Html, metas: Metas, ld: jsonld.LdArticle) -> str | None:
    if ld.based_on and not ld.based_on.startswith("http"):
        return ld.based_on
    for value in _values(metas, CREDIT_KEYS):
        if not value.startswith("http"):
            return fold(value)
    for element in islice(_credit_nodes(tree), MAX_BYLINE_NODES):
        if name := parse_credit(_text(element)):
            return name
    return None


def _language(tree: Html, metas: Metas, ld: jsonld.LdArticle, title: str | None) -> str | None:
    declared = language.declared(
        [tree.get("lang"), tree.get("xml:lang")] + _values(metas, LANGUAGE_KEYS)
        + [ld.language])
    if declared:
        if not language.checkable(declared):
            return declared
        return language.checked(declared, _paragraphs_text(tree, language.CHECK_CHARS))
    sample = " ".join([title or "", _paragraphs_text(tree, language.SAMPLE_CHARS)])
    return language.guess(sample) or language.guess(_leading_text(tree))


def _paragraphs_text(tree: Html, chars: int) -> str:
    """The text of the page's first ``<p>`` elements (at most 30), about ``chars`` long
    (``text_content``: a paragraph rarely holds a script, and this runs on every page)."""
    return _first_chars((fold(p.text_content()) for p in islice(tree.iter("p"), 30)), chars)


def _leading_text(tree: Html) -> str:
    """The first ``language.SAMPLE_CHARS`` characters of the page's visible text: the
    sample of a page that keeps its text outside ``<p>`` (in ``<div>``s, ``<br>``-separated
    lines, a plain-text document)."""
    body = tree.find("body")

    def texts() -> Iterator[str]:  # lazily: the walk stops with the sample
        for element in (body if body is not None else tree).iter():
            if isinstance(element.tag, str) and element.tag not in _NO_TEXT:
                yield (element.text or "").strip()
            yield (element.tail or "").strip()

    return _first_chars(texts(), language.SAMPLE_CHARS)


def _first_chars(texts: Iterable[str], chars: int) -> str:
    """The non-empty ``texts`` joined by spaces, taken until they hold ``chars``."""
    parts, size = [], 0
    for text in texts:
        if text:
            parts.append(text)
            size += len(text) + 1
            if size >= chars:
                break
    return " ".join(parts)


_NO_TEXT = frozenset({"script", "style", "noscript", "template"})


def _canonical(url: str, href: str | None) -> str | None:
    """The declared canonical URL joined as the crawl joins links (percent-encoded, IDNA
    host, no fragment); None for one the crawl would refuse (``javascript:``, credentials,
    a broken host)."""
    return join_url(url, href) if href else None


def extract_metadata(tree: lxml.html.HtmlElement, url: str) -> Metadata:
    """All metadata of one parsed page; missing fields are None or empty lists."""
    metas = _meta_map(tree)
    ld = jsonld.read_article(tree, url)
    site_name = next(iter(_values(metas, SITE_KEYS[:1])), None) or ld.publisher or next(
        iter(_values(metas, SITE_KEYS[1:])), None)
    host = re.sub(r"^www\d?\.", "", url.split("://")[-1].split("/")[0].split(":")[0])
    sites = [s for s in (site_name, ld.publisher, host, host.split(".")[0]) if s]
    h1_elements = list(tree.iter("h1"))[:5]
    h1s = [_heading(h) for h in h1_elements]
    title = titles.choose_title(
        h1s, ld.headlines, _values(metas, TITLE_KEYS), tree.findtext(".//title"), sites)
    headline = _headline_element(tree, h1_elements, title)
    canonical = next((link.get("href") for link in tree.iter("link")
                      if link.get("rel") == "canonical" and link.get("href") is not None),
                     None) or next(
        iter(_values(metas, ("og:url",))), None) or ld.url
    canonical_url = _canonical(url, canonical)
    published, modified = _dates(tree, metas, ld, url, headline, canonical_url)
    descriptions = _values(metas, DESCRIPTION_KEYS[:1]) + ([ld.description] if ld.description
                                                           else [])
    descriptions += _values(metas, DESCRIPTION_KEYS[1:])
    return Metadata(
        title=title,
        authors=_authors(tree, metas, ld, sites, headline),
        published_at=published,
        modified_at=modified,
        description=fold(descriptions[0]) if descriptions else None,
        tags=_tags(tree, metas, ld),
        language=_language(tree, metas, ld, title),
        canonical_url=canonical_url,
        site_name=fold(site_name) if site_name else None,
        source_credit=_credit(tree, metas, ld),
    )
