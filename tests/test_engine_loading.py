"""Loading many files (``engine/loading.py``): the same answers, warnings and first error
in job order whether files load here or in worker processes, started safely from any
thread."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

import pytest

from cronoslot.cache import Cache
from cronoslot.engine import loading
from cronoslot.engine.files import CalendarFiles, FileBusy
from cronoslot.engine.loading import FileJob, load_files
from cronoslot.errors import CalendarDataError

from .calendar_files import BROKEN, MARCH, NO_SETTINGS, calendar, event, write


def _store(tmp_path: Path, count: int = 4) -> list[FileJob]:
    jobs = []
    for number in range(count):
        text = calendar(
            *(
                event(f"f{number}-{day}", f"DTSTART:202603{day:02}T0{number}0000Z", "DURATION:PT1H")
                for day in range(1, 29, 3)
            )
        )
        path = write(tmp_path / f"cal{number}.ics", text)
        jobs.append(FileJob(path, "cal", NO_SETTINGS))
    return jobs


def _load(jobs: list[FileJob], **options: object) -> tuple[list[FileBusy], list[str]]:
    warnings: list[str] = []
    results = load_files(jobs, MARCH, warnings.append, **options)  # type: ignore[arg-type]
    return results, warnings


@pytest.fixture
def always_parallel(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Parallel even for small files; the start methods used."""
    monkeypatch.setattr(loading, "_PARALLEL_MIN_BYTES", 0)
    used: list[str] = []
    real = loading._start_method

    def recording() -> str:
        used.append(real())
        return used[-1]

    monkeypatch.setattr(loading, "_start_method", recording)
    return used


def test_fork_only_when_alone() -> None:
    assert threading.active_count() == 1
    assert loading._start_method() == "fork"
    seen: list[str] = []
    thread = threading.Thread(target=lambda: seen.append(loading._start_method()))
    thread.start()
    thread.join()
    assert seen == ["forkserver"]
    # The main thread, while another thread runs.
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert loading._start_method() == "forkserver"
    finally:
        stop.set()
        other.join()


def test_a_call_from_a_thread_answers_as_sequential(
    tmp_path: Path, always_parallel: list[str]
) -> None:
    jobs = _store(tmp_path)
    sequential = _load(jobs, workers=1)
    assert always_parallel == []
    answers: list[tuple[list[FileBusy], list[str]]] = []
    with Cache(tmp_path / "cache") as cache:

        def query() -> None:
            answers.append(_load(jobs, workers=2))
            answers.append(_load(jobs, workers=2, cache=cache))  # cold: workers fill it

        thread = threading.Thread(target=query)
        thread.start()
        thread.join(timeout=120)
        assert always_parallel == ["forkserver", "forkserver"]
        assert answers == [sequential, sequential]
        # The workers stored what they loaded: warm now, and the same answer.
        files = CalendarFiles(cache)
        assert all(files.is_warm(job, MARCH) for job in jobs)
        assert _load(jobs, workers=2, cache=cache) == sequential
    assert always_parallel == ["forkserver", "forkserver"]  # nothing cold was left


@pytest.mark.parametrize("workers", [1, 2])
def test_warnings_then_the_first_error_in_job_order(
    tmp_path: Path, always_parallel: list[str], workers: int
) -> None:
    jobs = _store(tmp_path, 2)
    warned = write(tmp_path / "warned.ics", BROKEN)
    broken = write(tmp_path / "broken.ics", "not a calendar\r\n")
    missing = tmp_path / "missing.ics"
    jobs = [jobs[0], FileJob(warned, "cal", NO_SETTINGS), FileJob(broken, "cal", NO_SETTINGS)]
    jobs += [FileJob(missing, "cal", NO_SETTINGS), jobs[0]]
    warnings: list[str] = []
    with pytest.raises(CalendarDataError) as raised:
        load_files(jobs, MARCH, warnings.append, workers=workers)
    assert raised.value.path == broken
    assert warnings and all(message.startswith(f"{warned}: ") for message in warnings)
    assert always_parallel == ([] if workers == 1 else ["fork"])


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_is_reported_after_each_file(
    tmp_path: Path, always_parallel: list[str], workers: int
) -> None:
    jobs = _store(tmp_path, 3)
    reports: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        reports.append((done, total))

    load_files(jobs, MARCH, lambda message: None, workers=workers, progress=progress)
    assert reports == [(1, 3), (2, 3), (3, 3)]
    assert len(always_parallel) == workers - 1


def test_calendar_data_errors_travel_as_values() -> None:
    error = CalendarDataError(Path("/store/acc/work.ics"), "not iCalendar")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is CalendarDataError
    assert (copy.path, copy.message, str(copy)) == (error.path, error.message, str(error))


def test_an_account_without_emails_is_warned_about_once(tmp_path: Path) -> None:
    # Two calendars of one account carry ATTENDEE lines and account.json has no "emails":
    # one warning for the account (naming its folder), with the cache and without.
    invited = calendar(
        event("a", "DTSTART:20260310T090000Z", "DURATION:PT1H", "ATTENDEE:mailto:x@example.com")
    )
    jobs = []
    for account in ("acc_one", "acc_two"):
        (tmp_path / account).mkdir()
        for name in ("work", "home"):
            jobs.append(
                FileJob(write(tmp_path / account / f"{name}.ics", invited), name, NO_SETTINGS)
            )
    for cache in (None, Cache(tmp_path / "cache"), Cache(tmp_path / "cache")):
        _, warnings = _load(jobs, cache=cache)
        assert [w.split(": ", 1)[0] for w in warnings] == [
            str(tmp_path / "acc_one"),
            str(tmp_path / "acc_two"),
        ]
        assert all('account.json has no "emails"' in w for w in warnings)
        if cache is not None:
            cache.close()
