"""Password rules after NIST SP 800-63B: a minimum length, a list of common passwords, no context words."""

from __future__ import annotations

import pytest

from innobridge.core.security import password_is_strong, password_problem


@pytest.mark.parametrize(
    "password",
    ["password12", "Password123", "PASSWORD123", "Password2026!", "qwertyuiop", "1234567890", "iloveyou12"],
)
def test_common_passwords_are_refused_whatever_their_case_or_decoration(password: str) -> None:
    assert password_problem(password) == "error.password_common"


def test_too_short_is_refused_before_anything_else() -> None:
    assert password_problem("a7#Kq9!") == "error.password_too_short"


def test_repeating_one_or_two_characters_is_refused() -> None:
    assert password_problem("zzzzzzzzzzzz") == "error.password_common"
    assert password_problem("xyxyxyxyxyxy") == "error.password_common"


def test_context_words_are_refused() -> None:
    assert password_problem("zhangwei-1990", context=("zhang.wei",)) == "error.password_context"
    assert password_problem("InnoBridge2026!") == "error.password_context"
    # The same password is fine for someone else: the rule is about this user's words.
    assert password_problem("zhangwei-1990", context=("li.na",)) is None


def test_no_composition_rules_long_passphrases_pass() -> None:
    assert password_is_strong("correct-horse-42")
    assert password_is_strong("四月的风吹过长江大桥")  # no digits, no Latin letters: fine
    assert password_is_strong("tilted lantern harbour")
    assert not password_is_strong("x" * 201)
