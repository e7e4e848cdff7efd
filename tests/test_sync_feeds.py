"""``fetch_feed`` against the tests' own feed server, and the redirect policy on its own."""

from __future__ import annotations

import gzip

import pytest

from cronoslot.sync.feeds import (
    Credentials,
    FeedResponse,
    FetchError,
    _gunzip,
    fetch_feed,
    is_loopback,
    redirect_target,
)

from .sync_servers import FeedServer, feed_server_fixture  # noqa: F401 (a fixture)

BODY = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def test_the_redirect_policy() -> None:
    assert redirect_target("https://a.org/x", "/y") == "https://a.org/y"
    assert redirect_target("http://a.org/x", "https://b.org/y") == "https://b.org/y"
    assert redirect_target("http://a.org/x", "http://b.org/y") == "http://b.org/y"
    with pytest.raises(FetchError, match="from https to http") as caught:
        redirect_target("https://a.org/x", "http://b.org/private-token-0123456789")
    assert "private-token" not in str(caught.value)
    for location in ("file:///etc/passwd", "ftp://a.org/x", "javascript:alert(1)"):
        with pytest.raises(FetchError, match="refused a redirect"):
            redirect_target("http://a.org/x", location)


def test_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("example.org") and not is_loopback("10.0.0.1")


def test_conditional_get(feed_server: FeedServer) -> None:
    (feed_server.root / "cond.ics").write_bytes(BODY)
    url = feed_server.http("/feed/cond.ics")
    first = fetch_feed(url, timeout=5)
    assert first.body == BODY and first.etag and first.last_modified
    by_etag = fetch_feed(url, timeout=5, etag=first.etag)
    assert by_etag == FeedResponse(None, first.etag, None)
    by_date = fetch_feed(url, timeout=5, last_modified=first.last_modified)
    assert by_date.body is None
    (feed_server.root / "cond.ics").write_bytes(BODY + b"\r\n")
    assert fetch_feed(url, timeout=5, etag=first.etag).body == BODY + b"\r\n"


def test_the_cap_counts_received_bytes(feed_server: FeedServer) -> None:
    (feed_server.root / "capped.ics").write_bytes(BODY * 100)
    with pytest.raises(FetchError, match="MiB cap"):
        fetch_feed(feed_server.http("/feed/capped.ics"), timeout=5, max_bytes=1000)
    with pytest.raises(FetchError, match="MiB cap"):
        fetch_feed(feed_server.http("/big/2/x"), timeout=5, max_bytes=1024 * 1024)


def test_a_gzip_bomb_is_capped_after_inflating() -> None:
    bomb = gzip.compress(b"A" * 5_000_000)
    assert len(bomb) < 10_000
    with pytest.raises(FetchError, match="MiB cap"):
        _gunzip(bomb, 1_000_000)
    with pytest.raises(FetchError, match="cut short"):
        _gunzip(bomb[:-20], 10_000_000)


def test_credentials_go_only_to_the_source_origin(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(feed_server.certificate))
    (feed_server.root / "creds.ics").write_bytes(BODY)
    secret = Credentials("alice", "pw")
    fetch_feed(feed_server.http("/auth/alice/pw/creds.ics"), timeout=5, credentials=secret)
    # Redirected to another origin (the https port): the credentials stay behind.
    assert fetch_feed(feed_server.http("/to-https/creds.ics"), timeout=5, credentials=secret)
    first, second = feed_server.requests()[-2:]
    assert first["path"] == "/to-https/creds.ics" and first["authorization"]
    assert second["path"] == "/feed/creds.ics" and not second["authorization"]
    with pytest.raises(FetchError, match="plain http"):
        fetch_feed("http://example.invalid/x.ics", timeout=5, credentials=secret)


def test_network_errors_are_plain_words(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .sync_servers import free_port

    with pytest.raises(FetchError, match="refused"):
        fetch_feed(f"http://127.0.0.1:{free_port()}/x.ics", timeout=5)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(FetchError, match="certificate not trusted"):
        fetch_feed(feed_server.https("/feed/x.ics"), timeout=5)
