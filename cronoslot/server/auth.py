"""Bearer tokens: where they come from, and the one check of a request's ``Authorization``.

Tokens are kept only as SHA-256 digests, so that no token can reach a log, a ``repr`` or
an error message, and every check compares digests of equal length with
``hmac.compare_digest`` against every accepted token (no early exit): how long a check
takes says nothing about how close a guess was, nor which token matched.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import UsageError

TOKEN_VARIABLE = "CRONOSLOT_TOKEN"


def _digest(token: bytes) -> bytes:
    return hashlib.sha256(token).digest()


def _usable(token: str) -> bool:
    """A token a client can send in a header: printable ASCII, no spaces."""
    return token.isascii() and token.isprintable() and not any(c.isspace() for c in token)


class Tokens:
    """The tokens the server accepts (possibly none)."""

    def __init__(self, tokens: Iterable[str] = ()) -> None:
        self._digests = tuple(sorted({_digest(token.encode("ascii")) for token in tokens}))

    def __len__(self) -> int:
        return len(self._digests)

    def __repr__(self) -> str:
        return f"Tokens(<{len(self)} accepted>)"

    def accepts(self, authorization: bytes | None) -> bool:
        """True when the header is ``Bearer TOKEN`` (any letter case for the scheme) with
        an accepted token."""
        if authorization is None or not self._digests:
            return False
        scheme, _, presented = authorization.strip().partition(b" ")
        if scheme.lower() != b"bearer":
            return False
        digest = _digest(presented.strip())
        accepted = False
        for known in self._digests:
            accepted |= hmac.compare_digest(digest, known)
        return accepted

    @classmethod
    def read(cls, token_file: str | Path | None, environ: Mapping[str, str]) -> Tokens:
        """The tokens of ``token_file`` (one a line; blank lines and ``#`` comments are
        skipped) and of ``$CRONOSLOT_TOKEN``. Raises ``UsageError`` naming the file or the
        line, never the token."""
        found: list[str] = []
        if token_file is not None:
            try:
                text = Path(token_file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                reason = getattr(error, "strerror", None) or type(error).__name__
                raise UsageError(f"cannot read --token-file {token_file}: {reason}") from None
            for number, line in enumerate(text.splitlines(), start=1):
                token = line.strip()
                if not token or token.startswith("#"):
                    continue
                if not _usable(token):
                    raise UsageError(
                        f"--token-file {token_file}, line {number}: a token must be printable "
                        "ASCII without spaces"
                    )
                found.append(token)
        from_environment = environ.get(TOKEN_VARIABLE, "").strip()
        if from_environment:
            if not _usable(from_environment):
                raise UsageError(f"${TOKEN_VARIABLE} must be printable ASCII without spaces")
            found.append(from_environment)
        return cls(found)


__all__ = ["TOKEN_VARIABLE", "Tokens"]
