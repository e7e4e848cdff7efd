"""Bearer tokens: what is accepted, where tokens come from, and that none ever shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from cronoslot.errors import UsageError
from cronoslot.server.auth import TOKEN_VARIABLE, Tokens


def test_accepts_only_bearer_with_a_known_token() -> None:
    tokens = Tokens(["alpha-1", "beta-2"])
    assert tokens.accepts(b"Bearer alpha-1")
    assert tokens.accepts(b"bearer beta-2")
    assert tokens.accepts(b"BEARER  alpha-1 ")
    for header in (
        None,
        b"",
        b"Bearer",
        b"Bearer ",
        b"Bearer alpha-",
        b"Bearer alpha-1x",
        b"Basic alpha-1",
        b"alpha-1",
        b"Bearer gamma",
    ):
        assert not tokens.accepts(header), header


def test_no_tokens_accept_nothing() -> None:
    assert not Tokens().accepts(b"Bearer ")
    assert not Tokens().accepts(b"Bearer anything")
    assert len(Tokens()) == 0


def test_a_token_never_shows_in_repr() -> None:
    tokens = Tokens(["very-secret-token"])
    assert "very-secret" not in repr(tokens)
    assert "1" in repr(tokens)


def test_read_from_a_file_and_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text("# comment line\n  first-token  \n\nsecond-token\n")
    tokens = Tokens.read(path, {TOKEN_VARIABLE: "third-token"})
    assert len(tokens) == 3
    for token in ("first-token", "second-token", "third-token"):
        assert tokens.accepts(b"Bearer " + token.encode())
    assert not tokens.accepts(b"Bearer # comment line")


def test_an_empty_environment_variable_is_no_token(tmp_path: Path) -> None:
    assert len(Tokens.read(None, {TOKEN_VARIABLE: "  "})) == 0
    assert len(Tokens.read(None, {})) == 0


def test_an_unreadable_file_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="missing-tokens"):
        Tokens.read(tmp_path / "missing-tokens", {})


def test_a_token_with_spaces_names_the_line_not_the_token(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    path.write_text("good-token\nbad token-with-space\n")
    with pytest.raises(UsageError) as raised:
        Tokens.read(path, {})
    assert "line 2" in str(raised.value)
    assert "bad token" not in str(raised.value)
