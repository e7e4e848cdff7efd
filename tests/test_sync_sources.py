"""``sources.json``: parsed and written purely; errors never quote a URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from cronoslot.errors import CalendarDataError
from cronoslot.sync.sources import (
    Source,
    SourceKind,
    caldav_sources,
    normalise_url,
    parse_sources,
    sources_json,
)

PATH = Path("acc_a/sources.json")
SECRET = "private-0123456789abcdef"


def test_normalise_url() -> None:
    assert normalise_url("webcal://Example.ORG/a.ics") == "https://example.org/a.ics"
    assert normalise_url("HTTP://example.org") == "http://example.org/"
    for bad in (f"ftp://example.org/{SECRET}", f"example.org/{SECRET}", "https:///x", "a b"):
        with pytest.raises(ValueError) as caught:
            normalise_url(bad)
        assert SECRET not in str(caught.value)


def test_round_trip_and_caldav_sources() -> None:
    sources = (
        Source("acc_a", "team", "https://dav.example.org/c/", SourceKind.CALDAV, "a", "PW"),
        Source("acc_a", "work", f"https://example.org/{SECRET}/basic.ics"),
    )
    import json

    assert parse_sources(json.loads(sources_json(reversed(sources))), PATH, "acc_a") == sources
    assert caldav_sources(sources) == sources[:1]


@pytest.mark.parametrize(
    "value",
    [
        [],
        {"sources": {}},
        {"sources": [{"calendar_id": "../x", "url": "https://e.org/"}]},
        {"sources": [{"calendar_id": "w", "url": f"gopher://e.org/{SECRET}"}]},
        {"sources": [{"calendar_id": "w", "url": "https://e.org/", "kind": "ftp"}]},
        {"sources": [{"calendar_id": "w", "url": "https://e.org/", "password_env": "A-B"}]},
        {"sources": [{"calendar_id": "w", "url": "https://e.org/", "colour": "red"}]},
        {"sources": [{"calendar_id": "w", "url": "https://e.org/a"}] * 2},
    ],
)
def test_malformed_sources_name_the_file_and_no_url(value: object) -> None:
    with pytest.raises(CalendarDataError) as caught:
        parse_sources(value, PATH, "acc_a")
    assert caught.value.path == PATH
    assert SECRET not in str(caught.value)
