"""The fifth held-out page set: Chinese news pages of the PyPI sdist ``gne==0.4.3`` (MIT).

The sdist's ``tests/`` and ``visiable_test/`` hold 68 real pages of Chinese news sites of
2018-2021 (NetEase, Sina, Tencent, ifeng, Guancha, Toutiao, The Paper, ...), saved from a
browser. The sdist has no expected text for them, but its ``result.txt`` holds GNE's own
output for 20 of them (a JSON record each: title, author, publish time, content): that
content is the body truth here, an extractor's output like the other sets' truths. It
keeps what GNE keeps: the "（原标题：...）" line of a rewritten headline, picture captions
and some credit lines, which ours leaves out by design. All 68 pages, with or without a
truth, are read by ``benchmarks/disagreement.py``.

Left out: the pages of ``result.txt`` whose record does not parse (none in 0.4.3), and
``test_list_page/`` (list pages, not articles; not unpacked).
"""

from __future__ import annotations

import json
import re
import tarfile
from pathlib import Path

from benchmarks.heldout_sources import Page, Source, download_sdist

SDIST = "gne==0.4.3"
GNE_ROOT = Path("gne-0.4.3")
#: The folders of real article pages (``test_list_page/`` holds list pages).
GNE_FOLDERS = ("tests", "visiable_test")
RESULTS = "result.txt"
#: A record of ``result.txt`` starts with its page's path between 13 ">" on each side.
_RECORD = re.compile(r"^>{13}(\S+?)>{13}\s*$", re.M)


def fetch_gne(cache: Path) -> Path:
    """The unpacked pages and ``result.txt`` of the sdist under ``cache``; pip downloads it
    the first time."""
    root = cache / GNE_ROOT
    if (root / RESULTS).is_file() and (root / GNE_FOLDERS[0]).is_dir():
        return root
    archive = download_sdist(cache, SDIST, f"{GNE_ROOT}.tar.gz")
    with tarfile.open(archive) as tar:
        wanted = {*GNE_FOLDERS, RESULTS}
        members = [m for m in tar.getmembers() if m.name.split("/")[1:2]
                   and m.name.split("/")[1] in wanted]
        tar.extractall(cache, members=members, filter="data")
    return root


def page_url(path: str) -> str:
    """A stand-in URL for a page path ``tests/<site>/<name>.html`` (the pages carry none)."""
    parts = Path(path).parts
    return f"https://{parts[-2]}.heldout.invalid/{Path(path).stem}.html"


def all_pages(root: Path) -> list[tuple[str, bytes]]:
    """``(path under the sdist, html)`` of every article page, with or without a truth."""
    return [(path.relative_to(root).as_posix(), path.read_bytes())
            for folder in GNE_FOLDERS for path in sorted((root / folder).glob("*/*.html"))]


def results(root: Path) -> tuple[dict[str, dict], dict[str, str]]:
    """GNE's records of ``result.txt`` by page path, and path -> reason for those that do
    not parse."""
    text = (root / RESULTS).read_text(encoding="utf-8")
    parts = _RECORD.split(text)
    records, broken = {}, {}
    decoder = json.JSONDecoder()
    for path, body in zip(parts[1::2], parts[2::2], strict=True):
        try:
            record, _ = decoder.raw_decode(body.strip())  # a list of pictures may follow
        except ValueError as error:
            broken[path] = f"its record in {RESULTS} does not parse ({error})"
            continue
        if isinstance(record, dict) and (record.get("content") or "").strip():
            records[path] = record
        else:
            broken[path] = f"its record in {RESULTS} has no content"
    return records, broken


def load_gne(root: Path) -> tuple[list[Page], dict[str, str]]:
    """The pages with GNE's content as the truth, and path -> reason for those left out.
    The pages without a record are not listed: the sdist never had a truth for them."""
    records, skipped = results(root)
    pages = []
    for path, record in sorted(records.items()):
        html_path = root / path
        if not html_path.is_file():
            skipped[path] = "the page is not in the sdist"
            continue
        pages.append(Page(
            id=f"gne/{path.removesuffix('.html')}", html=html_path.read_bytes(),
            url=page_url(path), body=record["content"],
            title=(record.get("title") or "").strip() or None, language="zh"))
    return pages, skipped


SOURCE = Source("gne", f"{SDIST} (PyPI sdist, result.txt)", fetch_gne, load_gne)
