"""One collection written object by object with preconditions, against real servers:
Radicale, and the tests' own stub for what Radicale does not do on demand (a PUT answered
without an ETag, a server error)."""

from __future__ import annotations

import sys
import uuid

import pytest

from cronoslot.book.caldav_writer import (
    CollectionWriter,
    PreconditionFailed,
    WriteFailed,
    collection_path,
)
from cronoslot.sync.feeds import Credentials
from cronoslot.sync.sources import Source, SourceKind

from .sync_servers import DavStub, Radicale, dav_stub_fixture, radicale_fixture  # noqa: F401

pytest.importorskip("caldav")

EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
    "DTSTAMP:20270101T000000Z\r\nDTSTART:20270422T{hour}0000Z\r\nDTEND:20270422T{hour}3000Z\r\n"
    "SUMMARY:Call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def writer(url: str, credentials: Credentials | None = None) -> CollectionWriter:
    return CollectionWriter(Source("acc", "cronoslot", url, SourceKind.CALDAV), credentials, 5)


def test_preconditions_on_a_real_server(radicale: Radicale) -> None:
    from caldav.davclient import DAVClient

    owner = f"{radicale.url}{uuid.uuid4().hex[:8]}/"
    folder = f"{owner}calendar/"
    with DAVClient(url=owner) as made:
        assert made.request(owner, "MKCOL").status == 201
        assert made.mkcalendar(folder, "").status == 201
    dav = writer(folder)
    path = collection_path(folder) + "call.ics"
    created = dav.put(path, EVENT.format(uid="call", hour="09"), etag=None)
    assert created.etag is not None and created.text is None
    with pytest.raises(PreconditionFailed):  # If-None-Match: * and it exists
        dav.put(path, EVENT.format(uid="call", hour="10"), etag=None)
    with pytest.raises(PreconditionFailed):  # If-Match with another version
        dav.put(path, EVENT.format(uid="call", hour="10"), etag='"not-it"')
    moved = dav.put(path, EVENT.format(uid="call", hour="10"), etag=created.etag)
    assert moved.etag not in (None, created.etag)
    with pytest.raises(PreconditionFailed):
        dav.delete(path, etag=created.etag)
    assert dav.delete(path, etag=moved.etag) is True
    assert dav.delete(path, etag=moved.etag) is False  # already gone
    dav.close()


def test_a_put_answered_without_an_etag_asks_again(dav_stub: DavStub) -> None:
    dav = writer(dav_stub.url("/noetag/cal/"))
    text = EVENT.format(uid="a", hour="09")
    stored = dav.put("/noetag/cal/a.ics", text, etag=None)
    assert stored.etag is not None
    assert stored.text is not None and "UID:a" in stored.text
    assert dav.put("/noetag/cal/a.ics", text, etag=stored.etag).etag == stored.etag


def test_a_server_error_is_a_write_failure_that_names_no_secret(dav_stub: DavStub) -> None:
    folder = "/fail/private-0123456789abcdef0123/"
    dav = writer(dav_stub.url(folder), Credentials("ann", "hunter2-password"))
    with pytest.raises(WriteFailed) as failed:
        dav.put(folder + "a.ics", EVENT.format(uid="a", hour="09"), etag=None)
    assert "HTTP 500" in str(failed.value)
    assert "private-0123456789abcdef0123" not in str(failed.value)
    assert "hunter2" not in str(failed.value)


def test_no_password_over_plain_http_to_another_host() -> None:
    with pytest.raises(WriteFailed, match="plain http"):
        writer("http://dav.example.org/cal/", Credentials("ann", "secret"))


def test_without_the_caldav_extra_the_error_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "caldav.davclient", None)  # importing it now fails
    with pytest.raises(WriteFailed, match=r"pip install 'cronoslot\[caldav\]'"):
        writer("https://dav.example.org/cal/")


def test_object_urls_keep_the_collection_and_quote_the_name() -> None:
    dav = writer("https://dav.example.org/dav/cal")
    assert collection_path("https://dav.example.org/dav/cal") == "/dav/cal/"
    assert dav.url_of("/dav/cal/a b.ics") == "https://dav.example.org/dav/cal/a%20b.ics"
