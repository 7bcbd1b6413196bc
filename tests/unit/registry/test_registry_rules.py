"""Pure registry rules: name folding for natural keys and de-duplication; credit-code check characters."""

from __future__ import annotations

import pytest

from innobridge.registry.dedup import NameRow, candidate_pairs, name_core, similarity
from innobridge.registry.rules import is_valid_credit_code, normalise_name, ucc_check_char


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("ＡＢＣ科技有限公司", "ABC科技有限公司"),  # full-width letters
        ("上海浦江智能芯片有限公司", "上海浦江智能芯片股份有限公司"),  # company forms
        ("上海浦江智能芯片有限责任公司", "上海浦江智能芯片公司"),
        ("申江大學", "申江大学"),  # traditional → simplified
        ("臺灣積體電路製造股份有限公司", "台湾积体电路制造有限公司"),
        ("上海浦江（集团）有限公司", "上海浦江集团有限公司"),  # brackets, full- and half-width
        ("诺森(中国)研发中心有限公司", "诺森（中国）研发中心有限公司"),
        ("上海浦江智能芯片有限公司。", "上海浦江智能芯片有限公司"),  # trailing punctuation
        ("申江·技术转移中心", "申江技术转移中心"),
        ("Acme Co., Ltd.", "ACME"),  # English legal forms, any punctuation
        ("Acme Co.,Ltd", "acme"),
        ("Acme Technology Co Ltd", "Acme Technology Company Limited"),
        ("Acme Inc.", "Acme Corp"),
        ("Acme GmbH & Co. KG", "acme"),
        ("  Pujiang   Chip  ", "pujiang-chip"),
    ],
)
def test_normalise_name_folds_variants_together(variant: str, canonical: str) -> None:
    assert normalise_name(variant) == normalise_name(canonical)


def test_normalise_name_keeps_what_distinguishes() -> None:
    assert normalise_name("上海浦江集团有限公司") != normalise_name("上海浦江有限公司")
    assert normalise_name("公司") == "公司"  # a suffix alone is not stripped to nothing
    assert normalise_name("Limited") == "limited"
    assert normalise_name("Acme Technology Co., Ltd") == "acmetechnology"


def test_credit_code_check_character_by_hand() -> None:
    # GB 32100-2015: values 0-9 then A=10 … Y=30 (no I O S V Z); weights 3^i mod 31.
    # 91310104MA1FL1234: 9·1 + 1·3 + 3·9 + 1·27 + 0·19 + 1·26 + 0·16 + 4·17 + M(21)·20 + A(10)·29
    # + 1·25 + F(15)·13 + L(20)·8 + 1·24 + 2·10 + 3·30 + 4·28 = 1496; 1496 mod 31 = 8; 31 − 8 = 23 → P.
    assert ucc_check_char("91310104MA1FL1234") == "P"
    assert is_valid_credit_code("91310104MA1FL1234P")
    assert not is_valid_credit_code("91310104MA1FL1234Q")
    assert is_valid_credit_code("91350100M000100Y43")  # the example printed in the standard
    assert not is_valid_credit_code("91310104MA1FL1234")  # 17 characters
    assert not is_valid_credit_code("9131010IMA1FL1234P")  # I is not in the alphabet


def test_name_core_drops_a_leading_place_name() -> None:
    assert name_core("上海浦江智能芯片有限公司") == name_core("浦江智能芯片公司") == "浦江智能芯片"
    assert name_core("上海市") == "上海市"


def test_similarity_bounds() -> None:
    assert similarity("浦江智能芯片", "浦江智能芯片") == 1.0
    assert similarity("", "浦江") == 0.0
    assert 0.8 < similarity("浦江智能芯片科技", "浦江智能芯片技术") < 1.0


def test_candidates_certain_on_shared_identifier_even_with_other_names() -> None:
    rows = [
        NameRow(1, "上海甲科技公司", scope="310115", identifiers=(("credit_code", "91310115MA1FL1234X"),)),
        NameRow(2, "乙公司", scope="310104", identifiers=(("credit_code", " 91310115ma1fl1234x"),)),
        NameRow(3, "丙大学", scope="310110", identifiers=(("moe_code", "4131019901"),)),
        NameRow(4, "丙大學（本部）", scope="310104", identifiers=(("moe_code", "4131019901"),)),
    ]
    pairs = candidate_pairs(rows, threshold=0.9)
    assert [(p.a, p.b, p.certain, sorted(p.reasons)) for p in pairs] == [
        (1, 2, True, ["same_credit_code"]),
        (3, 4, True, ["same_moe_code"]),
    ]


def test_candidates_near_identical_names_only_within_a_region() -> None:
    rows = [
        NameRow(1, "上海浦江智能芯片有限公司", scope="310115"),
        NameRow(2, "浦江智能芯片股份公司", scope="310115"),  # same after folding
        NameRow(3, "上海浦江智能芯片科技有限公司", scope="310115"),  # near-identical
        NameRow(4, "上海浦江智能芯片有限公司", scope="310104"),  # same name, other district
        NameRow(5, "上海浦江生物医药有限公司", scope="310115"),  # same head, different firm
        NameRow(6, "上海浦江智能芯片公司", scope=None),  # region unknown
    ]
    pairs = {(p.a, p.b): p for p in candidate_pairs(rows, threshold=0.85)}
    assert pairs[(1, 2)].score == 1.0 and not pairs[(1, 2)].certain
    assert pairs[(1, 3)].reasons == {"similar_name_same_scope"}
    assert 0.85 <= pairs[(1, 3)].score < 1.0
    assert (1, 4) not in pairs
    assert not any(5 in key for key in pairs)
    assert pairs[(1, 6)].reasons == {"same_name_scope_unknown"}


def test_candidates_people_by_orcid_email_and_name_at_same_organisation() -> None:
    rows = [
        NameRow(1, "王明远", "Mingyuan Wang", scope="7", identifiers=(("orcid", "0000-0002-7138-3315"),)),
        NameRow(2, "王明遠", scope="7"),  # traditional form, same organisation
        NameRow(3, "王明远", scope="9"),  # a namesake elsewhere
        NameRow(4, "M. Wang", scope="12", identifiers=(("orcid", "0000-0002-7138-3315"),)),
        NameRow(5, "李婷", scope="7", identifiers=(("email", "Ting.Li@sju.example.org"),)),
        NameRow(6, "李 婷", scope="8", identifiers=(("email", "ting.li@sju.example.org "),)),
    ]
    pairs = {(p.a, p.b): p for p in candidate_pairs(rows, threshold=0.9)}
    assert pairs[(1, 4)].certain
    assert pairs[(1, 2)].reasons == {"same_name"}
    assert (1, 3) not in pairs and (2, 3) not in pairs
    assert not pairs[(5, 6)].certain and pairs[(5, 6)].reasons == {"same_email"}
