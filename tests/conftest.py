from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture
def sample_store() -> Path:
    return SAMPLES / "calendars"


@pytest.fixture
def sample_request() -> Path:
    return SAMPLES / "requests"


@pytest.fixture(autouse=True)
def private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own cache directory: nothing is written to the user's cache."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("CRONOSLOT_CACHE_DIR", str(directory))
    monkeypatch.setenv("XDG_CACHE_HOME", str(directory / "xdg"))
    return directory
