"""Secret-safe display of URLs: scheme, host and a fingerprint, never a path, query or
userinfo."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cronoslot.sync.redact import display_url, fingerprint, redact_text, secrets_of

GOOGLE = "https://calendar.google.com/calendar/ical/alice%40example.org/private-0123456789abcdef0123456789abcdef/basic.ics"


def test_display_keeps_scheme_and_host_and_a_stable_fingerprint() -> None:
    shown = display_url(GOOGLE)
    assert shown == f"https://calendar.google.com/… [{fingerprint(GOOGLE)}]"
    assert fingerprint(GOOGLE) == fingerprint(GOOGLE) != fingerprint(GOOGLE + "x")
    assert display_url("http://user:pw@127.0.0.1:8080/a?b=c").startswith("http://127.0.0.1:8080/")


def test_redact_text_hides_urls_and_pieces_of_secrets() -> None:
    message = f"GET {GOOGLE} failed; path private-0123456789abcdef0123456789abcdef; pw hunter22"
    shown = redact_text(message, secrets_of(GOOGLE, "hunter22"))
    assert "private-0123" not in shown and "alice" not in shown and "hunter22" not in shown
    assert display_url(GOOGLE) in shown


tokens = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_",
    min_size=16,
    max_size=40,
)


@given(tokens, tokens, tokens)
def test_no_token_is_ever_shown(path_token: str, query_token: str, password: str) -> None:
    url = f"https://u:{password}@cal.example.org/feeds/{path_token}/basic.ics?key={query_token}"
    secrets = secrets_of(url)
    for text in (display_url(url), redact_text(f"error at {url}", secrets),
                 redact_text(f"see /feeds/{path_token} and {query_token}", secrets)):  # fmt: skip
        assert path_token not in text and query_token not in text and password not in text
