"""Where a password comes from: the named variable, else ~/.netrc, else none; never the
store."""

from __future__ import annotations

from pathlib import Path

import pytest

from cronoslot.sync.credentials import credentials_for
from cronoslot.sync.feeds import Credentials, FetchError
from cronoslot.sync.sources import Source

URL = "https://dav.example.org/cal/team/"


def netrc(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".netrc"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_the_named_variable(tmp_path: Path) -> None:
    source = Source("a", "team", URL, username="alice", password_env="PW")
    assert credentials_for(source, {"PW": "s3"}, tmp_path / "none") == Credentials("alice", "s3")
    with pytest.raises(FetchError, match="PW is not set"):
        credentials_for(source, {}, tmp_path / "none")
    nameless = Source("a", "team", URL, password_env="PW")
    with pytest.raises(FetchError, match="--username"):
        credentials_for(nameless, {"PW": "s3"}, tmp_path / "none")
    file = netrc(tmp_path, "machine dav.example.org login bob password other\n")
    assert credentials_for(nameless, {"PW": "s3"}, file) == Credentials("bob", "s3")


def test_netrc(tmp_path: Path) -> None:
    file = netrc(tmp_path, "machine dav.example.org login bob password n3t\n")
    assert credentials_for(Source("a", "t", URL), {}, file) == Credentials("bob", "n3t")
    assert credentials_for(Source("a", "t", URL, username="bob"), {}, file) is not None
    assert credentials_for(Source("a", "t", URL, username="carol"), {}, file) is None
    assert credentials_for(Source("a", "t", "https://other.org/"), {}, file) is None
    assert credentials_for(Source("a", "t", URL), {}, tmp_path / "missing") is None


def test_a_broken_netrc_is_named_without_its_tokens(tmp_path: Path) -> None:
    file = netrc(tmp_path, "machine dav.example.org login bob password\nsecr3tjunk extra\n")
    try:
        found = credentials_for(Source("a", "t", URL), {}, file)
    except FetchError as error:
        assert "secr3tjunk" not in str(error) and "line" in str(error)
    else:  # some Python versions read this file leniently
        assert found is None or found.username == "bob"
