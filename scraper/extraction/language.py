"""The page's language: declared codes first, else a cheap guess from the script and
the commonest function words of the text. No model, no download.

(What is installed was looked at first: trafilatura detects languages only with the
optional py3langid, which is not a dependency; charset-normalizer's coherence check names
languages by letter frequencies of a decoding and is not meant for short samples. A page
in a script of its own, which is what fails without a declaration, is told apart by
counting that script's letters, and the few languages sharing a script by the letters
only they use.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ainews.scraper.extraction.text import word_count

#: Scripts that name one language (or one dominant one) by themselves, as code point
#: ranges; languages sharing a script are told apart below (``_LETTERS``).
SCRIPTS = (
    ("\u3040", "\u30ff", "ja"),  # hiragana, katakana
    ("\u31f0", "\u31ff", "ja"),  # katakana extensions
    ("\uff66", "\uff9f", "ja"),  # half-width katakana
    ("\uac00", "\ud7af", "ko"),  # hangul syllables
    ("\u1100", "\u11ff", "ko"),  # hangul jamo
    ("\u3130", "\u318f", "ko"),  # hangul compatibility jamo
    ("\u0e00", "\u0e7f", "th"),
    ("\u0e80", "\u0eff", "lo"),
    ("\u1780", "\u17ff", "km"),
    ("\u1000", "\u109f", "my"),
    ("\u0590", "\u05ff", "he"),
    ("\u0370", "\u03ff", "el"),
    ("\u1f00", "\u1fff", "el"),  # polytonic Greek
    ("\u0900", "\u097f", "hi"),  # devanagari
    ("\u0980", "\u09ff", "bn"),
    ("\u0a00", "\u0a7f", "pa"),  # gurmukhi
    ("\u0a80", "\u0aff", "gu"),
    ("\u0b80", "\u0bff", "ta"),
    ("\u0c00", "\u0c7f", "te"),
    ("\u0c80", "\u0cff", "kn"),
    ("\u0d00", "\u0d7f", "ml"),
    ("\u0d80", "\u0dff", "si"),
    ("\u0530", "\u058f", "hy"),
    ("\u10a0", "\u10ff", "ka"),
    ("\u1200", "\u137f", "am"),  # ethiopic
    ("\u0600", "\u06ff", "ar"),
    ("\u0750", "\u077f", "ar"),  # arabic supplement
    ("\u0400", "\u04ff", "ru"),  # cyrillic; Ukrainian and others are told apart below
    ("\u3400", "\u4dbf", "zh"),  # han extension A
    ("\u4e00", "\u9fff", "zh"),  # han without kana
    ("\uf900", "\ufaff", "zh"),  # han compatibility
)
_FIRST_SCRIPT_CHAR = min(low for low, _, _ in SCRIPTS)
#: A Han or kana character carries about as much text as four Latin letters (a Chinese
#: word is ~1.5 characters, an English one ~5 letters): weighed so, a Chinese page full of
#: English product names is still Chinese.
_LETTER_WEIGHT = {"zh": 4.0, "ja": 4.0}
#: The script's share of the (weighed) letters that makes it the text's own script.
_SCRIPT_SHARE = 0.3
#: Japanese mixes kanji and kana; a Chinese text has kana only by accident (a quoted
#: brand name): Japanese prose is ~half kana, a headline rarely less than a sixth.
_KANA_SHARE = 0.15
#: Languages told apart from the script's main one by letters only they use, with the
#: share of the script's letters those must reach (a single quoted name does not count).
_LETTERS = {
    "ru": (("mk", "ѓќѕ"), ("sr", "ђјљњћџ"), ("kk", "әғқңөұүһ"), ("be", "ў"), ("uk", "їєґі")),
    "ar": (("ur", "ٹڈڑںےۓ"), ("fa", "پچژگکی")),
}
_LETTER_SHARE = 0.005
#: Frequent short words, enough to tell the Latin-script languages of news pages apart.
STOPWORDS = {
    "en": "the and of to in is that for on with was as it by are from at",
    "de": "der die und das ist nicht mit den von zu sich auf ein eine dem des im",
    "fr": "le la les et des est une du que pour dans qui sur pas au avec",
    "es": "el la los las y que del en por una con para es se no al",
    "it": "il la che di e per un una non sono del della con gli le nel",
    "pt": "o a os as que de do da em um uma para com não no na",
    "nl": "de het een en van is dat op te in niet met zijn voor",
    "sv": "och att det är som en på för med av inte till den har",
    "no": "og i det er som på en for med av ikke til den har å",
    "da": "og i det er som på en for med af ikke til den har at",
    "pl": "i w na nie się z do że to jest jak o po przez od",
    "cs": "a se na je v že to s z o jako by do jsou ve",
    "tr": "ve bir bu da de için ile olarak çok daha gibi en",
    "id": "yang dan di itu dengan untuk dari ini dalam tidak akan pada",
}
_STOP_SETS = {lang: set(words.split()) for lang, words in STOPWORDS.items()}
#: Each function word's languages (one pass over a text scores them all).
_STOP_LANGS: dict[str, list[str]] = {}
for _lang, _stop in _STOP_SETS.items():
    for _word in _stop:
        _STOP_LANGS.setdefault(_word, []).append(_lang)
_WORD = re.compile(r"[^\W\d_]+")
#: Characters sampled: enough for a stable guess, small enough to stay well under 1 ms.
SAMPLE_CHARS = 3000
#: Less text than this (in English-word equivalents, ``text.word_count``) is no evidence:
#: a caption or a name. Four words are twenty Latin letters or six Chinese characters.
_MIN_WORDS = 4
_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]+)*$", re.IGNORECASE)


def normalise(code: str | None) -> str | None:
    """``"en-US"``/``"en_GB"``/``"EN"`` → ``"en"``; None for anything else."""
    match = _CODE.match((code or "").strip())
    if not match:
        return None
    lang = match.group(1).lower()
    return {"nb": "no", "nn": "no", "iw": "he", "in": "id"}.get(lang, lang)


def declared(codes: Iterable[str | None]) -> str | None:
    """The first well-formed language code (``<html lang>``, og:locale, ...)."""
    for code in codes:
        for part in (code or "").split(","):  # content-language may list several
            if lang := normalise(part):
                return lang
    return None


def _script_counts(letters: list[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for ch in letters:
        if ch < _FIRST_SCRIPT_CHAR:  # Latin letters: most of most pages
            continue
        for low, high, lang in SCRIPTS:
            if low <= ch <= high:
                counts[lang] += 1
                break
    return counts


def _by_letters(lang: str, letters: list[str], n: int) -> str:
    """``lang``, or the language of its script whose own letters the text uses."""
    lower = Counter(ch.lower() for ch in letters)
    for other, own in _LETTERS.get(lang, ()):
        if sum(lower[ch] for ch in own) >= max(2.0, _LETTER_SHARE * n):
            return other
    return lang


def _by_script(letters: list[str]) -> str | None:
    """The language named by the text's own script, or None for a Latin-script text."""
    counts = _script_counts(letters)
    if not counts:
        return None
    if counts["zh"] and counts["ja"] >= _KANA_SHARE * (counts["zh"] + counts["ja"]):
        counts["ja"] += counts.pop("zh")  # kanji of a Japanese text
    lang, n = counts.most_common(1)[0]
    weighed = len(letters) + sum((_LETTER_WEIGHT.get(k, 1.0) - 1) * v for k, v in counts.items())
    if n * _LETTER_WEIGHT.get(lang, 1.0) < _SCRIPT_SHARE * weighed:
        return None
    return _by_letters(lang, letters, n)


def guess(text: str) -> str | None:
    """A best guess from the script, then from function words; None for too little text."""
    sample = text[:SAMPLE_CHARS]
    letters = [ch for ch in sample if ch.isalpha()]
    if len(letters) < 20 and word_count(sample) < _MIN_WORDS:  # a caption or a name
        return None
    if lang := _by_script(letters):
        return lang
    scores = _stopword_scores(sample)
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= 3 else None  # three hits: not a coincidence


#: Characters of the text a declaration is checked against (fewer than a guess reads:
#: this runs on every page that declares its language).
CHECK_CHARS = 1000
#: A letter of one of ``SCRIPTS`` (typographic quotes and dashes are not).
_SCRIPT_LETTER = re.compile("[" + "".join(f"{low}-{high}" for low, high, _ in SCRIPTS) + "]")
#: A declared language is overruled only by this much text (``text.word_count`` words) ...
MIN_OVERRULE_WORDS = 40
#: ... and, for a Latin-script text, by another language's function words: at least this
#: many hits, and this many times the declared language's own.
MIN_OVERRULE_HITS = 10
OVERRULE_RATIO = 4


def _stopword_scores(sample: str) -> dict[str, int]:
    """How many of the sample's words are each language's function words."""
    scores = dict.fromkeys(_STOP_SETS, 0)
    for word in _WORD.findall(sample.lower()):
        for lang in _STOP_LANGS.get(word, ()):
            scores[lang] += 1
    return scores


def checkable(declared: str) -> bool:
    """Whether :func:`checked` may overrule ``declared`` (a Latin-script language with
    function words here); callers skip building a sample for the others."""
    return declared in _STOP_SETS


def checked(declared: str, text: str) -> str:
    """``declared``, unless the text plainly is in another language: a template default
    ("en" on a German or a Japanese page). Only a Latin-script language we have function
    words for is overruled (so "sr", "bg" or "ja" and their neighbours never are): by a
    text in another script, or by another language's function words many times over."""
    if declared not in _STOP_SETS:
        return declared
    sample = text[:CHECK_CHARS]
    if len(sample.split()) < MIN_OVERRULE_WORDS and word_count(sample) < MIN_OVERRULE_WORDS:
        return declared  # (the split is the cheap test; word_count counts CJK text right)
    if _SCRIPT_LETTER.search(sample) and (
            script := _by_script([ch for ch in sample if ch.isalpha()])):
        return script
    scores = _stopword_scores(sample)
    best = max(scores, key=scores.__getitem__)
    if best != declared and scores[best] >= MIN_OVERRULE_HITS \
            and scores[best] >= OVERRULE_RATIO * scores[declared]:
        return best
    return declared
