"""Course data: a registry of datasets, a verified download cache, and loaders.

Every dataset is listed in ``data/registry.json`` (files, pinned URLs, sha256,
licence). ``path(name)`` returns a file that is known to be intact:

1. a cached copy in the cache folder (``data/`` in the repository, or the folder
   named by ``RNN_COURSE_DATA_DIR``) whose sha256 matches; else
2. if ``RNN_COURSE_DATA_MIRROR`` names a folder (an offline copy, as in CI or an
   offline classroom), the file copied from there; else
3. the file downloaded from its pinned URL(s).

Fetching is done by pooch: it writes to a temporary file, checks the sha256 and
only then renames it into place, so an interrupted download never leaves a
half-written file behind. A cached file whose hash is wrong (corrupted,
truncated, edited) is deleted and fetched again. When nothing works, a
``DataUnavailableError`` names the file, every place tried, and where to put the
file by hand.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
from functools import cache
from pathlib import Path

import numpy as np
import pooch

from helpers.validation import REASON_CHARS

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_FILE = ROOT / "data" / "registry.json"
MIRROR_ENV = "RNN_COURSE_DATA_MIRROR"
CACHE_ENV = "RNN_COURSE_DATA_DIR"
TIMEOUT_ENV = "RNN_COURSE_DATA_TIMEOUT"
DEFAULT_TIMEOUT_S = 10.0

pooch.get_logger().setLevel("WARNING")  # pooch logs full local paths at INFO level


class DataUnavailableError(RuntimeError):
    """A dataset file could not be found, copied or downloaded with the right sha256."""


@cache
def registry() -> dict:
    """The dataset registry: name -> {description, licence, files: {relative path: {sha256, urls}}}."""
    return json.loads(REGISTRY_FILE.read_text(encoding="utf-8"))


def dataset_names() -> list[str]:
    """Sorted names of every registered dataset."""
    return sorted(registry())


def _entry(name: str) -> dict:
    if not isinstance(name, str):
        raise TypeError(f"dataset name must be a string, got {type(name).__name__}")
    if name not in registry():
        raise ValueError(f"unknown dataset {name!r}; known datasets: {', '.join(dataset_names())}")
    return registry()[name]


def cache_dir() -> Path:
    """Folder where verified files are kept: ``$RNN_COURSE_DATA_DIR`` or the repository's ``data/``."""
    return Path(os.environ.get(CACHE_ENV) or ROOT / "data").expanduser().resolve()


def mirror_dir() -> Path | None:
    """The offline mirror named by ``$RNN_COURSE_DATA_MIRROR``, or ``None`` when unset."""
    value = os.environ.get(MIRROR_ENV, "").strip()
    return Path(value).expanduser().resolve() if value else None


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        value = float(raw) if raw else DEFAULT_TIMEOUT_S
    except ValueError:
        raise ValueError(f"{TIMEOUT_ENV} must be a number of seconds, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{TIMEOUT_ENV} must be positive, got {value}")
    return value


def _copy_from_mirror(url: str, output_file, pooch_obj) -> None:
    """pooch downloader that copies a local mirror file (``url`` is its path)."""
    source = Path(url)
    if not source.is_file():
        raise FileNotFoundError(f"not in the mirror: {source}")
    if isinstance(output_file, str | os.PathLike):
        shutil.copyfile(source, output_file)
    else:
        with open(source, "rb") as fin:
            shutil.copyfileobj(fin, output_file)


def _is_intact(target: Path, sha256: str) -> bool:
    """True when ``target`` exists and its sha256 is ``sha256``. A file that another
    process deletes or replaces while we read it counts as absent, never as an error."""
    try:
        return pooch.file_hash(str(target)) == sha256
    except OSError:  # vanished (another process replaced it) or unreadable
        return False


NETWORK_RETRIES = 2   # pooch downloads again after a network error or a wrong hash (waiting 1 s, then 2 s)
RACES = 3             # reads of a cached file that concurrent fetches keep replacing, before giving up


class _SourceFailed(Exception):
    """One source (a URL or the mirror) could not give the file; the message says why."""


def _fetch_from(relative: str, sha256: str, source: str, downloader, retries: int) -> Path:
    """The verified file ``relative`` from ``source``, fetched by pooch (which writes to a
    temporary file, checks the hash, retries ``retries`` times and renames into place)."""
    target = cache_dir() / relative
    fetcher = pooch.create(path=cache_dir(), base_url="", registry={relative: f"sha256:{sha256}"},
                           urls={relative: source}, retry_if_failed=retries)
    for _ in range(RACES):
        try:
            return Path(fetcher.fetch(relative, downloader=downloader))
        except FileNotFoundError as exc:   # pooch does not retry these: a concurrent fetch swapped the file
            if _is_intact(target, sha256):
                return target
            if exc.filename is None or Path(exc.filename) != target:
                raise _SourceFailed(f"{source}: {_short_reason(exc)}") from exc   # the source is missing
        except Exception as exc:  # every failure is reported together by _fetch_file
            if _is_intact(target, sha256):
                return target   # another process put the right file in place meanwhile
            raise _SourceFailed(f"{source}: {_short_reason(exc)}") from exc
    raise _SourceFailed(f"{source}: the cached file kept changing under concurrent fetches")


def _fetch_file(relative: str, info: dict) -> Path:
    target = cache_dir() / relative
    if _is_intact(target, info["sha256"]):
        return target
    # corrupted or truncated: never hand it out, fetch again (another process may have replaced
    # or deleted it already; a read-only cache keeps it, and it is never handed out either way)
    with contextlib.suppress(OSError):
        target.unlink()
    mirror = mirror_dir()
    if mirror is not None:
        sources = [(str(mirror / relative), _copy_from_mirror, 0)]
    else:
        http = pooch.HTTPDownloader(progressbar=False, timeout=_timeout())
        sources = [(url, http, NETWORK_RETRIES) for url in info["urls"]]
    failures = []
    for source, downloader, retries in sources:
        try:
            return _fetch_from(relative, info["sha256"], source, downloader, retries)
        except _SourceFailed as exc:
            failures.append(f"  - {exc}")
    raise DataUnavailableError(_unavailable_message(relative, info, mirror, failures))


def _unavailable_message(relative: str, info: dict, mirror: Path | None, failures: list[str]) -> str:
    """What could not be fetched, from where, and how to place the file by hand."""
    target = cache_dir() / relative
    where = f"the mirror {MIRROR_ENV}={mirror}" if mirror else "the pinned URL(s)"
    folder = target.parent
    writable = os.access(next((f for f in (folder, *folder.parents) if f.exists()), folder), os.W_OK)
    return (
        f"could not get {relative} from {where}:\n" + "\n".join(failures) + "\n"
        + ("" if writable else
           f"The cache folder {folder} is not writable: set {CACHE_ENV} to a folder you can "
           "write to, or fix its permissions.\n")
        + f"To place it by hand: download {info['urls'][0]}\n"
        f"  and save it as {target}\n"
        f"  (its sha256 must be {info['sha256']})."
        + ("" if mirror else f"\nOffline? Set {MIRROR_ENV} to a folder holding a copy.")
    )


def _short_reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first[:REASON_CHARS]}"


def path(name: str) -> Path:
    """Local path of dataset ``name``, fetched and verified first if needed.

    Returns the file for single-file datasets, the folder for multi-file ones
    (``names``: a folder of ``<Language>.txt`` files).
    """
    entry = _entry(name)
    files = [_fetch_file(rel, info) for rel, info in entry["files"].items()]
    if "folder" in entry:
        return cache_dir() / entry["folder"]
    return files[0]


TEXT_DATASETS = ("pride_and_prejudice", "tinyshakespeare")


def load_text(name: str) -> str:
    """The whole text of ``'pride_and_prejudice'`` or ``'tinyshakespeare'`` as one ``str``
    (UTF-8, byte-order mark removed, line endings normalised to ``\\n``)."""
    _entry(name)
    if name not in TEXT_DATASETS:
        raise ValueError(f"{name!r} is not a text dataset; load_text takes one of {TEXT_DATASETS}")
    text = path(name).read_text(encoding="utf-8-sig")
    return text.replace("\r\n", "\n")


def load_names() -> dict[str, list[str]]:
    """Surnames by language: ``{'Arabic': ['Khoury', ...], ...}`` (18 languages, in
    alphabetical order; blank lines dropped, surrounding spaces stripped)."""
    folder = path("names")
    return {
        f.stem: [line.strip() for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        for f in sorted(folder.glob("*.txt"))
    }


SERIES_DATASETS = ("air_passengers", "daily_min_temperatures")


def load_series(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A time series CSV as ``(dates, values)``: ``dates`` is ``datetime64[D]`` of shape
    ``(T,)``, ``values`` is float64 of shape ``(T,)``, in file order.

    ``name``: ``'air_passengers'`` (T = 144, monthly) or ``'daily_min_temperatures'`` (T = 3650).
    """
    _entry(name)
    if name not in SERIES_DATASETS:
        raise ValueError(f"{name!r} is not a time series; load_series takes one of {SERIES_DATASETS}")
    with open(path(name), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    dates = np.array([r[0] for r in rows], dtype="datetime64[D]")
    values = np.array([float(r[1]) for r in rows])
    return dates, values


def check_all() -> dict[str, str | None]:
    """Fetch and verify every dataset; name -> ``None`` when it is in place, else the
    loader's message saying what is missing and where to put it."""
    report = {}
    for name in dataset_names():
        try:
            path(name)
            report[name] = None
        except DataUnavailableError as exc:
            report[name] = str(exc)
    return report


def main() -> int:
    """``python -m helpers.data.files`` (``make data``): fetch and verify every dataset and print
    one line per dataset (ok / MISSING with where to put it). Returns the exit status:
    0 when every dataset is in place, 1 otherwise."""
    report = check_all()
    for name, problem in report.items():
        files = registry()[name]["files"]
        if problem is None:
            print(f"ok       {name}: {len(files)} file(s) verified in {cache_dir()}")
        else:
            print(f"MISSING  {name}: " + problem.replace("\n", "\n         "))
    missing = [name for name, problem in report.items() if problem is not None]
    if missing:
        print(f"{len(missing)} of {len(report)} datasets are missing: {', '.join(missing)}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
