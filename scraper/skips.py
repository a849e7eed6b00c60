"""Skip reasons, recorded where they are decided (never parsed back from message text).

A downloader middleware that refuses a request raises :class:`SkipRequest` with the reason
it is counted under (``ainews/skip/<reason>`` in Scrapy's stats and in the run summary);
the spider's errback reads ``failure.value.reason``.
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class SkipRequest(IgnoreRequest):
    """A request refused by one of our components, carrying its skip reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
