"""Date strings as pages write them → aware UTC datetimes, plus the date in a URL.

``parse_date`` understands ISO 8601 and its common corruptions, RFC 2822, Unix epochs,
``dd.mm.yyyy`` (``mm/dd/yyyy`` when only that reads), ``yyyy/mm/dd`` and month-name
dates in a few languages. A date without a zone is taken
as UTC: we cannot know the publisher's zone, and the error is at most a day off.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

#: Nothing we collect was published before the web news era; older values are placeholders
#: (``1970-01-01``, ``0001-01-01``) or typos.
EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)
#: A date up to this far ahead is a zone slip on a fresh page (a local time read as UTC),
#: so it is clamped to now; further ahead it is wrong (an event date, an expiry) and dropped.
FUTURE_SLACK = timedelta(hours=26)

#: Month names (lower case, first letters enough to be unambiguous) in the languages of
#: most news pages with Latin script; numeric formats cover the rest.
MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    "januar": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6, "juli": 7,
    "okt": 10, "dez": 12,
    "janv": 1, "févr": 2, "fevr": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "août": 8,
    "aout": 8, "déc": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12, "enero": 1, "febrero": 2, "marzo": 3,
    "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "set": 9, "sept": 9, "octubre": 10,
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10, "out": 10, "fev": 2, "maj": 5,
    "maa": 3, "mei": 5, "des": 12,  # Dutch "maart", "mei"; Norwegian "desember"
    "ocak": 1, "şubat": 2, "nisan": 4, "haziran": 6, "temmuz": 7, "ağustos": 8,
    "eylül": 9, "ekim": 10, "kasım": 11, "aralık": 12,  # Turkish, whole words only
    "ian": 1, "iun": 6, "iul": 7, "noi": 11,  # Romanian "ianuarie", "iunie", "noiembrie"
    "agu": 8,  # Indonesian "Agustus"
    # Polish, as dates write them (genitive: "21 kwietnia 2024"); "marca", "maja" above
    "sty": 1, "lut": 2, "kwi": 4, "cze": 6, "lip": 7, "sie": 8, "wrz": 9, "paź": 10,
    "lis": 11, "gru": 12,
    # Russian (genitive "5 марта 2024" and nominative)
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    # Ukrainian ("5 березня 2024")
    "січ": 1, "лют": 2, "бер": 3, "кві": 4, "тра": 5, "чер": 6, "лип": 7, "сер": 8,
    "вер": 9, "жов": 10, "лис": 11, "гру": 12,
    # Greek ("5 Μαρτίου 2024"); June and July differ in their fourth letter
    "ιαν": 1, "φεβ": 2, "μαρ": 3, "απρ": 4, "μαΐ": 5, "μαι": 5, "ιουν": 6, "ιουλ": 7,
    "αυγ": 8, "σεπ": 9, "οκτ": 10, "νοε": 11, "δεκ": 12,
}
#: Zone abbreviations that news sites print after a time.
ZONES = {
    "utc": 0, "gmt": 0, "z": 0, "bst": 1, "cet": 1, "cest": 2, "mez": 1, "mesz": 2,
    "eet": 2, "eest": 3, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
    "pst": -8, "pdt": -7, "ist": 5.5, "jst": 9, "kst": 9, "aest": 10, "aedt": 11,
}

_ISO = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}(?!\d))?"
)
_DMY = re.compile(
    r"\b(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\b(?:\D{0,12}?(\d{1,2})[:.h](\d{2}))?"
)
#: Year first with slashes or dots ("2024/03/05", "2024.03.05 14:30": East Asian sites).
_YMD = re.compile(
    r"\b((?:19|20)\d{2})[./](\d{1,2})[./](\d{1,2})\b(?:\D{0,12}?(\d{1,2})[:h](\d{2}))?"
)
#: A day with an ordinal ("5th March", "1er mars", "1º de marzo") before a month name;
#: month names up to 12 letters ("października", "Σεπτεμβρίου").
_NAMED = re.compile(
    r"(?:\b(\d{1,2})(?:st|nd|rd|th|er|º|°)?\.?\s+(?:of\s+)?(?:de\s+)?([^\W\d_]{3,12})\.?,?"
    r"\s+(?:de\s+)?(\d{4})"
    r"|\b([^\W\d_]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}))"
    r"(?:\D{0,12}?(\d{1,2}):(\d{2})\s*([ap]\.?m\.?)?)?(?:\s*([A-Za-z]{1,5})\b)?",
    re.IGNORECASE,
)
#: Chinese, Japanese and Korean dates: "2025年1月14日 01時28分", "2025년 6월 4일 02:37".
_CJK = re.compile(
    r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"
    r"(?:\D{0,8}?(\d{1,2})\s*[時时시:]\s*(\d{2}))?"
)
_EPOCH = re.compile(r"^\d{10}(\d{3})?$")
_URL_DATE = re.compile(
    r"/((?:199|20[0-3])\d)[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?=[/._-]|$|\d{0,2}[a-z/])"
)


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    if text.upper() == "Z":
        return UTC
    if text.lower() in ZONES:
        return timezone(timedelta(hours=ZONES[text.lower()]))
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
           second: int = 0, zone: timezone | None = None) -> datetime | None:
    try:
        value = datetime(year, month, day, hour, minute, second, tzinfo=zone or UTC)
        value.astimezone(UTC)  # 9999-12-31 at UTC-5 is past datetime.max in UTC
    except (ValueError, OverflowError):
        return None
    return value


def _iso(text: str) -> datetime | None:
    match = _ISO.search(text)
    if not match:
        return None
    y, mo, d, h, mi, s, zone = match.groups()
    return _build(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), _zone(zone))


def _numeric_dmy(text: str) -> datetime | None:
    match = _DMY.search(text)
    if not match:
        return None
    d, mo, y, h, mi = match.groups()
    year = int(y) + (2000 if len(y) == 2 else 0)  # "25.04.24": this century
    day, month = int(d), int(mo)
    if month > 12 >= day:  # "12/25/2024": month first (US), as only that order reads
        day, month = month, day
    return _build(year, month, day, int(h or 0), int(mi or 0))


def _year_first(pattern: re.Pattern[str], text: str) -> datetime | None:
    """``pattern``'s year, month, day and optional hour and minute groups as a date."""
    match = pattern.search(text)
    if not match:
        return None
    y, mo, d, h, mi = match.groups()
    return _build(int(y), int(mo), int(d), int(h or 0), int(mi or 0))


def _numeric_ymd(text: str) -> datetime | None:
    return _year_first(_YMD, text)


def _named(text: str) -> datetime | None:
    match = _NAMED.search(text)
    if not match:
        return None
    d1, m1, y1, m2, d2, y2, h, mi, ampm, zone = match.groups()
    name = (m1 or m2).lower()
    month = MONTHS.get(name) or MONTHS.get(name[:4]) or MONTHS.get(name[:3])
    if not month:
        return None
    hour = int(h or 0)
    if ampm and ampm[0].lower() == "p" and hour < 12:
        hour += 12
    elif ampm and hour == 12:
        hour = 0
    tz = _zone(zone) if zone and zone.lower() in ZONES else None
    return _build(int(y1 or y2), month, int(d1 or d2), hour, int(mi or 0), 0, tz)


def parse_date(text: str | None) -> datetime | None:
    """The first date in ``text`` as an aware datetime, or None."""
    text = (text or "").strip()
    if not text or len(text) > 200:  # a long string is prose, not a date value
        return None
    if _EPOCH.match(text):
        seconds = int(text[:10])
        return datetime.fromtimestamp(seconds, UTC)
    if re.match(r"^[A-Za-z]{3},\s+\d", text):
        try:
            value = parsedate_to_datetime(text)
            return value if value.astimezone(UTC) else None  # in range in UTC too
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    return (_iso(text) or _numeric_ymd(text) or _numeric_dmy(text) or _named(text)
            or _cjk(text))


def _cjk(text: str) -> datetime | None:
    return _year_first(_CJK, text)


def plausible(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """``value`` in UTC when it can be a publication date, clamped to ``now``; else None."""
    if value is None:
        return None
    now = now or datetime.now(UTC)
    value = value.astimezone(UTC)
    if value < EARLIEST or value > now + FUTURE_SLACK:
        return None
    return min(value, now)


def to_iso(value: datetime) -> str:
    """UTC ISO 8601 with seconds: ``2026-03-30T12:00:00+00:00``."""
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


#: The day with the month's name: ``/2011/nov/18/``.
_URL_NAMED_DATE = re.compile(
    r"/((?:199|20[0-3])\d)/([a-z]{3})/(0?[1-9]|[12]\d|3[01])(?=[/._-]|$)", re.IGNORECASE)


def url_date(url: str) -> datetime | None:
    """The day in a URL path such as ``/2024/03/05/``, ``/2024-03-05-title`` or
    ``/2011/nov/18/``, at noon UTC.

    Noon keeps the calendar day right in every zone from UTC-11 to UTC+11.
    """
    path = url.split("?", 1)[0]
    if match := _URL_DATE.search(path):
        y, mo, d = (int(g) for g in match.groups())
        return _build(y, mo, d, 12)
    if (match := _URL_NAMED_DATE.search(path)) and (month := MONTHS.get(match[2].lower())):
        return _build(int(match[1]), month, int(match[3]), 12)
    return None
