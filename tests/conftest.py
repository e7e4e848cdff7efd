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
