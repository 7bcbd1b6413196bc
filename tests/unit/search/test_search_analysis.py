"""Text analysis: folding, segmentation, stemming, stop words, domain words."""

from __future__ import annotations

from innobridge.search.analysis import Analyzer, add_words, normalise


def test_normalise_folds_full_width_and_case() -> None:
    assert normalise("ＡＢＣ１２３") == "abc123"


def test_normalise_folds_traditional_to_simplified() -> None:
    assert normalise("數據挖掘與機器學習") == "数据挖掘与机器学习"


def test_english_is_lowercased_stemmed_and_stop_words_dropped() -> None:
    tokens = Analyzer().tokens("The Running of Neural Networks")
    assert tokens == ["run", "neural", "network"]


def test_chinese_is_segmented_into_words_with_search_subwords() -> None:
    tokens = Analyzer().tokens("玉米杂交种生产基地")
    assert "玉米" in tokens
    assert "杂交种" in tokens
    assert "杂交" in tokens  # sub-word of a long word, so a partial query still matches
    assert "生产" in tokens


def test_query_boilerplate_words_are_dropped() -> None:
    tokens = Analyzer().tokens("我们公司需要超导材料")
    assert "公司" not in tokens and "需要" not in tokens
    assert "超导" in tokens and "材料" in tokens


def test_mixed_chinese_and_english_text() -> None:
    tokens = Analyzer().tokens("基于Deep Learning的3D打印缺陷检测")
    assert {"deep", "learn", "3d", "打印", "缺陷", "检测"} <= set(tokens)


def test_traditional_and_simplified_give_the_same_tokens() -> None:
    a = Analyzer()
    assert a.tokens("超導材料的製備") == a.tokens("超导材料的制备")


def test_domain_words_change_segmentation() -> None:
    word = "氢燃料电堆膜电极"  # not a dictionary word
    before = Analyzer().tokens(word)
    assert word not in before
    assert add_words([word]) == 1
    assert add_words([word]) == 0  # idempotent
    assert word in Analyzer().tokens(word)


def test_memoised_term_tokens_follow_new_domain_words() -> None:
    word = "钠离子固态储能堆芯"  # not a dictionary word
    a = Analyzer()
    assert a.term_tokens(word) == tuple(a.tokens(word))
    assert word not in a.term_tokens(word)
    add_words([word])
    assert word in a.term_tokens(word)


def test_empty_text_gives_no_tokens() -> None:
    assert Analyzer().tokens("") == []
    assert Analyzer().tokens("，。！") == []
