"""The one rule for names that become paths, and the one for e-mail addresses."""

from __future__ import annotations

import pytest

from cronoslot.models import AccountSettings
from cronoslot.names import MAX_NAME_LENGTH, normalise_email, valid_name


@pytest.mark.parametrize(
    "name", ["acc_5ba21743f408617d1269ea1e", "a", "a.b", "x-y_z", "me@example.org", "..a", "a.."]
)
def test_valid_names(name: str) -> None:
    assert valid_name(name)


@pytest.mark.parametrize(
    "name",
    ["", ".", "..", "/", "a/b", "../x", "/etc", "a\\b", "a b", "ä", "a\x00", "x" * 256, 5, None],
)
def test_invalid_names(name: object) -> None:
    assert not valid_name(name)


def test_the_longest_name() -> None:
    assert valid_name("x" * MAX_NAME_LENGTH)
    assert not valid_name("x" * (MAX_NAME_LENGTH + 1))


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("Alice@Example.org", "alice@example.org"),
        ("mailto:alice@example.org", "alice@example.org"),
        ("  MAILTO: Alice@example.org ", "alice@example.org"),
    ],
)
def test_email_addresses_have_one_normal_form(written: str, normal: str) -> None:
    assert normalise_email(written) == normal


def test_account_settings_normalise_their_addresses_when_built() -> None:
    settings = AccountSettings(emails=("A@x.org", "mailto:a@X.org", " ", "b@x.org"))
    assert settings.emails == ("a@x.org", "b@x.org")
