"""Text analysis for Chinese, English and mixed text.

normalise: NFKC (full-width → half-width), traditional → simplified (OpenCC t2s), lower case.
segment:   rjieba (dictionary shipped in the wheel) plus domain words added with `add_word`;
           "search" granularity also emits the dictionary sub-words of long words (杂交种 → 杂交, 杂交种),
           so a query segmented with a newer domain dictionary still meets older documents.
English:   Snowball (Porter2) stemming via PyStemmer; a short stop list.
Tokens are plain strings; the lexical index receives them whitespace-joined.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import rjieba
import Stemmer

from innobridge.search.types import Document

_WORD = re.compile(r"[0-9a-z\u00c0-\u024f]+(?:[._+\-'][0-9a-z]+)*|[\u3400-\u9fff\uf900-\ufaff]+")
_HAS_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ASCII_WORD = re.compile(r"[0-9a-z\u00c0-\u024f]")

ENGLISH_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "this",
        "those",
        "to",
        "was",
        "we",
        "were",
        "which",
        "will",
        "with",
        "within",
        "without",
        "you",
        "your",
        "i",
        "me",
        "my",
        "us",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "not",
        "no",
        "than",
        "so",
        "if",
        "also",
        "may",
        "might",
        "would",
        "should",
        "could",
    ]
)
# Function words and the boilerplate of enterprise needs ("我公司…需要…希望"); rare in abstracts, so BM25
# would otherwise give them a high weight.
CHINESE_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "对",
        "等",
        "为",
        "中",
        "并",
        "将",
        "被",
        "把",
        "从",
        "以",
        "其",
        "之",
        "而",
        "也",
        "这",
        "那",
        "这些",
        "那些",
        "有",
        "于",
        "由",
        "向",
        "就",
        "都",
        "上",
        "下",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "她",
        "它",
        "他们",
        "本",
        "该",
        "各",
        "该类",
        "一种",
        "一个",
        "一些",
        "进行",
        "通过",
        "目前",
        "需要",
        "希望",
        "要求",
        "能够",
        "可以",
        "可",
        "能",
        "我司",
        "公司",
        "本公司",
        "企业",
        "单位",
        "寻求",
        "想",
        "要",
        "请",
        "帮助",
        "帮",
        "提供",
        "以及",
        "并且",
        "同时",
        "如何",
        "什么",
        "哪些",
        "怎样",
        "是否",
    ]
)

_lock = threading.Lock()
_added_words: set[str] = set()
_stemmer_local = threading.local()
# segment piece -> its tokens; segmentation yields a bounded vocabulary, so this saves the per-token regex
_piece_cache: dict[str, tuple[str, ...]] = {}
_piece_cache_nostop: dict[str, tuple[str, ...]] = {}


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _stemmer() -> Any:
    stemmer = getattr(_stemmer_local, "stemmer", None)
    if stemmer is None:
        stemmer = Stemmer.Stemmer("english")
        _stemmer_local.stemmer = stemmer
    return stemmer


def stem_words(words: list[str]) -> list[str]:
    """Porter2 stems (a stemmer per thread: PyStemmer objects are not thread-safe)."""
    stems: list[str] = _stemmer().stemWords(words)
    return stems


def normalise(text: str) -> str:
    """Fold widths (NFKC), traditional → simplified, and case."""
    text = unicodedata.normalize("NFKC", text)
    if _HAS_CJK.search(text):
        text = _t2s().convert(text)
    return text.lower()


def add_words(words: Iterable[str]) -> int:
    """Add domain words to the segmenter's dictionary (process-wide); returns how many were new."""
    new = 0
    with _lock:
        for raw in words:
            word = normalise(raw).strip()
            # only Chinese (or mixed) phrases of two or more characters help segmentation
            if len(word) < 2 or len(word) > 20 or not _HAS_CJK.search(word) or " " in word:
                continue
            if word in _added_words:
                continue
            _added_words.add(word)
            rjieba.add_word(word, None, None)
            new += 1
    return new


def _emit(piece: str, out: list[str], stop: bool) -> None:
    for m in _WORD.finditer(piece):
        tok = m.group(0)
        if _ASCII_WORD.match(tok):
            if stop and tok in ENGLISH_STOP:
                continue
            if tok.isdigit() and len(tok) > 8:
                continue
            out.append(_stemmer().stemWord(tok) if tok.isalpha() else tok)
        else:
            if stop and tok in CHINESE_STOP:
                continue
            out.append(tok)


_term_cache: dict[tuple[str, bool], tuple[str, ...]] = {}
_term_cache_words = 0


class Analyzer:
    """Turns text into index/query terms. Stateless apart from the shared segmenter dictionary."""

    def __init__(self, user_words: Iterable[str] = (), *, search_mode: bool = True) -> None:
        self.search_mode = search_mode
        add_words(user_words)

    def tokens(self, text: str, *, stop: bool = True) -> list[str]:
        if not text:
            return []
        norm = normalise(text)
        out: list[str] = []
        if not _HAS_CJK.search(norm):
            _emit(norm, out, stop)
            return out
        pieces = rjieba.cut_for_search(norm) if self.search_mode else rjieba.cut(norm)
        cache = _piece_cache if stop else _piece_cache_nostop
        if len(cache) > 500_000:
            cache.clear()
        for piece in pieces:
            toks = cache.get(piece)
            if toks is None:
                found: list[str] = []
                _emit(piece, found, stop)
                toks = cache[piece] = tuple(found)
            out.extend(toks)
        return out

    def term_tokens(self, term: str) -> tuple[str, ...]:
        """`tokens` of a short dictionary term, memoised (a translated query analyses hundreds of them)
        until `add_words` changes the segmenter's dictionary."""
        global _term_cache_words
        if _term_cache_words != len(_added_words) or len(_term_cache) > 200_000:
            _term_cache.clear()
            _term_cache_words = len(_added_words)
        key = (term, self.search_mode)
        found = _term_cache.get(key)
        if found is None:
            found = _term_cache[key] = tuple(self.tokens(term))
        return found

    def joined(self, text: str) -> str:
        """Tokens whitespace-joined, as the lexical index stores them."""
        return " ".join(self.tokens(text))

    def fields(self, doc: Document) -> dict[str, str]:
        """Each text field of `doc` as whitespace-joined tokens (what every backend indexes)."""
        return {
            "title": self.joined(doc.title),
            "keywords": " ".join(self.joined(k) for k in doc.keywords),
            "text": self.joined(doc.text),
        }
