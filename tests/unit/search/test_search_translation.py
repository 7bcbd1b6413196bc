"""English → Chinese query translation: the dictionary, and what it does to lexical search."""

from __future__ import annotations

import pytest

from innobridge.search.engine import SearchEngine
from innobridge.search.translation import TermDictionary, default_dictionary, translate_query
from innobridge.search.types import Document, Query

CEDICT_SAMPLE = """\
# CC-CEDICT sample
#! version=1
玉米 玉米 [yu4 mi3] /corn/maize/CL:粒[li4]/
苞米 苞米 [bao1 mi3] /(dialect) maize/
病原菌 病原菌 [bing4 yuan2 jun1] /a pathogen/a bacterial pathogen/
種子 种子 [zhong3 zi5] /seed/CL:顆|颗[ke1],粒[li4]/
葉斑病 叶斑病 [ye4 ban1 bing4] /leaf spot (plant disease)/
公司 公司 [gong1 si1] /(business) company/
張 张 [Zhang1] /surname Zhang/
DNA DNA [D N A] /DNA/
"""


@pytest.fixture
def dictionary() -> TermDictionary:
    d = TermDictionary()
    d.add_cedict(CEDICT_SAMPLE.splitlines())
    return d


def test_cedict_lines_are_parsed_into_ranked_simplified_renderings(dictionary: TermDictionary) -> None:
    # "maize" is 玉米's second gloss but 苞米's first: the primary sense of the rarer word ranks first
    assert set(dictionary.renderings("maize")) == {"玉米", "苞米"}
    assert dictionary.renderings("corn") == ("玉米",)
    assert dictionary.renderings("seeds") == ("种子",)  # stemmed keys; simplified headwords
    assert dictionary.renderings("leaf spot") == ("叶斑病",)  # "(plant disease)" dropped
    assert dictionary.renderings("zhang") == ()  # surname notes are not translations
    assert dictionary.renderings("dna") == ()  # Latin headwords add nothing to an English query
    assert dictionary.renderings("company") == ()  # stop word: request boilerplate


def test_longest_phrase_wins_and_stop_words_are_skipped(dictionary: TermDictionary) -> None:
    found = dictionary.translate("We need the pathogen of the leaf spot on our maize seeds identified")
    assert [(t.source, set(t.renderings)) for t in found] == [
        ("pathogen", {"病原菌"}),
        ("leaf spot", {"叶斑病"}),
        ("maize", {"玉米", "苞米"}),
        ("seeds", {"种子"}),
    ]


def test_domain_pairs_can_be_added(dictionary: TermDictionary) -> None:
    assert dictionary.add("Agronomy", "农学")
    assert dictionary.renderings("agronomy") == ("农学",)
    assert not dictionary.add("anything", "ABC")  # no Chinese rendering
    assert not dictionary.add("the", "的")  # nothing left after stop words


def test_chinese_queries_are_not_translated(dictionary: TermDictionary) -> None:
    assert translate_query(dictionary, "玉米种子 maize") == []
    assert [t.source for t in translate_query(dictionary, "pathogen of maize seeds (玉米)")] == [
        "pathogen",
        "maize",
        "seeds",
    ]


def test_the_shipped_dictionary_is_cc_cedict() -> None:
    shipped = default_dictionary()
    assert len(shipped) > 50_000
    assert "玉米" in shipped.renderings("maize")
    assert "超导" in shipped.renderings("superconductivity")


CHINESE = [
    Document(id="a1", kind="achievement", title="玉米叶斑病病原菌鉴定", text="鉴定玉米叶斑病的病原菌。"),
    Document(id="a2", kind="achievement", title="锂电池回收工艺", text="从废旧锂离子电池中回收钴和镍。"),
]


def test_english_query_finds_chinese_record_and_explains_with_chinese_terms(
    dictionary: TermDictionary,
) -> None:
    engine = SearchEngine(None, dictionary=dictionary)
    engine.upsert(CHINESE)
    hits = engine.search(Query(text="pathogen of leaf spot in maize", mode="lexical", explain=True)).hits
    assert [h.id for h in hits] == ["a1"]
    assert hits[0].explanation is not None
    assert {"玉米", "病原菌"} <= set(hits[0].explanation.matched_terms)
    untranslated = SearchEngine(None, translate=False)
    untranslated.upsert(CHINESE)
    assert untranslated.search(Query(text="pathogen of leaf spot in maize", mode="lexical")).hits == []


def test_a_phrase_with_many_renderings_weighs_like_one_word(dictionary: TermDictionary) -> None:
    # 玉米 and 苞米 both render "maize"; a record with both must not outrank one that also has the pathogen
    engine = SearchEngine(None, dictionary=dictionary)
    engine.upsert(
        [
            Document(id="both", kind="achievement", title="玉米 苞米", text="玉米 苞米 栽培"),
            Document(id="two", kind="achievement", title="玉米 病原菌", text="玉米 病原菌 检测"),
        ]
    )
    assert engine.search(Query(text="maize pathogen", mode="lexical")).hits[0].id == "two"


def test_translated_phrases_count_once_in_coverage(dictionary: TermDictionary) -> None:
    engine = SearchEngine(None, dictionary=dictionary)
    engine.upsert(CHINESE)
    text = "maize pathogen"
    terms = engine.analyzer.tokens(text)
    translations = engine.translations(text)
    alternatives = [tr.tokens for tr in translations]
    hits, _, searcher = engine.lexical.search(engine.lexical.text_query(terms, None, alternatives), 10)
    # the English words occur nowhere, but each counts with its renderings, which the best hit has
    assert engine.lexical_coverage(terms, hits, searcher, translations) == pytest.approx(1.0)
    assert engine.lexical_coverage(terms, hits, searcher) == pytest.approx(0.0)
    lone = engine.analyzer.tokens("maize xylophone")
    hits, _, searcher = engine.lexical.search(
        engine.lexical.text_query(lone, None, [tr.tokens for tr in engine.translations("maize")]), 10
    )
    # "xylophone" has no rendering and occurs nowhere: it keeps the idf of an unknown word
    unknown = engine.lexical.idf_of_unknown(searcher)
    known = engine.lexical.idf(searcher, ["玉米"])["玉米"]
    assert engine.lexical_coverage(lone, hits, searcher, engine.translations("maize")) == pytest.approx(
        known / (known + unknown)
    )


def test_concurrent_translation_gives_the_sequential_answers(dictionary: TermDictionary) -> None:
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"pathogen of leaf spot on maize seeds, batch {i}" for i in range(200)]
    expected = [dictionary.translate(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(dictionary.translate, texts)) == expected
