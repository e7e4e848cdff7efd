"""Real servers for the sync tests, started and stopped by the tests, on 127.0.0.1 only:
the feed server of ``feed_server.py`` (http, and https with a certificate made here) and
Radicale (CalDAV). Every wait is bounded."""

from __future__ import annotations

import datetime
import ipaddress
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 20.0


def _read_line(process: subprocess.Popen[str], timeout: float) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    if not ready:
        raise RuntimeError("the server did not start in time")
    return process.stdout.readline()


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost (made with ``cryptography``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cronoslot test server")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class FeedServer:
    root: Path  # the files it serves
    http_port: int
    https_port: int
    certificate: Path

    def http(self, path: str) -> str:
        return f"http://127.0.0.1:{self.http_port}{path}"

    def https(self, path: str) -> str:
        return f"https://127.0.0.1:{self.https_port}{path}"

    def requests(self) -> list[dict[str, object]]:
        import json

        log = self.root / "requests.log"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.fixture(scope="module", name="feed_server")
def feed_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedServer]:
    folder = tmp_path_factory.mktemp("feeds")
    root = folder / "served"
    root.mkdir()
    cert, key = make_certificate(folder)
    process = subprocess.Popen(
        [sys.executable, str(HERE / "feed_server.py"), str(root), str(cert), str(key)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        words = _read_line(process, START_TIMEOUT).split()
        assert words[0] == "PORTS", words
        yield FeedServer(root, int(words[1]), int(words[2]), cert)
    finally:
        _stop(process)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Radicale:
    url: str  # the server's root


@pytest.fixture(scope="module", name="radicale")
def radicale_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    pytest.importorskip("radicale")
    pytest.importorskip("caldav")
    folder = tmp_path_factory.mktemp("radicale")
    port = free_port()
    config = folder / "config"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\ntype = none\n"
        "[storage]\n"
        f"filesystem_folder = {folder / 'collections'}\n"
        "[rights]\ntype = from_file\n"
        f"file = {folder / 'rights'}\n"
        "[logging]\nlevel = warning\n"
    )
    # Anyone may read and write (the tests' client logs in as any user; cronoslot comes
    # without credentials): auth "none" means no password is checked.
    (folder / "rights").write_text("[all]\nuser: .*\ncollection: .*\npermissions: RrWw\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "HOME": str(folder)},
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("Radicale did not start") from None
                time.sleep(0.1)
        yield Radicale(f"http://127.0.0.1:{port}/")
    finally:
        _stop(process)


@dataclass
class DavStub:
    port: int

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture(scope="module", name="dav_stub")
def dav_stub_fixture() -> Iterator[DavStub]:
    """The tests' own small WebDAV-ish server (``dav_stub_server.py``): objects in memory,
    preconditions honoured, misbehaving by path (``/noetag/``, ``/once/``, ``/fail/``)."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "dav_stub_server.py")], stdout=subprocess.PIPE, text=True
    )
    try:
        words = _read_line(process, START_TIMEOUT).split()
        assert words[0] == "PORT", words
        yield DavStub(int(words[1]))
    finally:
        _stop(process)
