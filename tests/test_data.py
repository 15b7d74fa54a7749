"""helpers.data: registry, verified cache, mirror, downloads and their failures.

Most tests use a small fake registry and mirror in a temporary folder, and a
loopback HTTP server for the download path, so they run offline and fast.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import threading
import time

import numpy as np
import pytest

from helpers.data import files as data

REQUIRED = {"pride_and_prejudice", "tinyshakespeare", "names", "air_passengers",
            "daily_min_temperatures"}


def sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A registry with one text file and one two-file folder, a mirror holding them,
    and an empty cache; returns a namespace of paths and payloads."""
    payloads = {"story.txt": "\ufeffIt is a truth.\r\nThe end.\n".encode(),
                "names/Alpha.txt": b"Ann\nBob\n\n", "names/Beta.txt": b" Cy \n"}
    mirror = tmp_path / "mirror"
    for rel, payload in payloads.items():
        (mirror / rel).parent.mkdir(parents=True, exist_ok=True)
        (mirror / rel).write_bytes(payload)
    reg = {
        "story": {"description": "d", "licence": "l", "files": {
            "story.txt": {"sha256": sha256(payloads["story.txt"]),
                          "urls": ["http://127.0.0.1:9/story.txt"]}}},
        "names": {"description": "d", "licence": "l", "folder": "names", "files": {
            rel: {"sha256": sha256(p), "urls": [f"http://127.0.0.1:9/{rel}"]}
            for rel, p in payloads.items() if rel.startswith("names/")}},
    }
    cache = tmp_path / "cache"
    monkeypatch.setattr(data, "registry", lambda: reg)
    monkeypatch.setattr(data, "TEXT_DATASETS", ("story",))
    monkeypatch.setenv(data.CACHE_ENV, str(cache))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))

    class Fake:
        pass

    f = Fake()
    f.mirror, f.cache, f.reg, f.payloads = mirror, cache, reg, payloads
    return f


def test_registry_lists_the_course_datasets_with_hashes_and_urls():
    reg = data.registry()
    assert REQUIRED <= set(reg)
    for name, entry in reg.items():
        assert entry["licence"] and entry["description"], name
        for rel, info in entry["files"].items():
            assert len(info["sha256"]) == 64, rel
            assert all(u.startswith("https://") for u in info["urls"]), rel
    assert len(reg["names"]["files"]) == 18


def test_real_registry_matches_the_offline_mirror(course_mirror):
    for entry in data.registry().values():
        for rel, info in entry["files"].items():
            payload = (course_mirror / rel).read_bytes()
            assert sha256(payload) == info["sha256"], f"{rel} in {course_mirror} differs"


def test_loaders_on_the_real_data(course_mirror, tmp_path, monkeypatch):
    monkeypatch.setenv(data.MIRROR_ENV, str(course_mirror))
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path))
    text = data.load_text("pride_and_prejudice")
    assert "It is a truth universally acknowledged" in text and not text.startswith("\ufeff")
    assert len(data.load_text("tinyshakespeare")) == 1_115_394
    names = data.load_names()
    assert len(names) == 18 and sum(map(len, names.values())) == 20_074
    assert "" not in names["English"]
    dates, values = data.load_series("air_passengers")
    assert dates.shape == values.shape == (144,) and values[0] == 112.0
    assert dates.dtype == np.dtype("datetime64[D]")
    dates, values = data.load_series("daily_min_temperatures")
    assert values.shape == (3650,) and values.dtype == np.float64


def test_fetch_from_mirror_then_from_cache(fake):
    p = data.path("story")
    assert p == fake.cache / "story.txt" and p.read_bytes() == fake.payloads["story.txt"]
    (fake.mirror / "story.txt").unlink()  # the cached, verified copy is enough now
    assert data.path("story") == p


def test_load_text_drops_bom_and_normalises_newlines(fake):
    assert data.load_text("story") == "It is a truth.\nThe end.\n"


def test_folder_dataset_returns_the_folder(fake):
    folder = data.path("names")
    assert folder == fake.cache / "names"
    assert data.load_names() == {"Alpha": ["Ann", "Bob"], "Beta": ["Cy"]}


@pytest.mark.parametrize("damage", ["truncate", "edit"])
def test_corrupted_cache_file_is_replaced(fake, damage):
    p = data.path("story")
    original = p.read_bytes()
    p.write_bytes(original[:5] if damage == "truncate" else original.replace(b"end", b"END"))
    assert data.path("story").read_bytes() == original


def test_corrupted_mirror_file_is_refused_and_not_cached(fake):
    (fake.mirror / "story.txt").write_bytes(b"tampered")
    with pytest.raises(data.DataUnavailableError) as err:
        data.path("story")
    message = str(err.value)
    assert "story.txt" in message and str(fake.mirror) in message
    assert fake.reg["story"]["files"]["story.txt"]["sha256"] in message
    assert "by hand" in message
    assert not (fake.cache / "story.txt").exists()
    assert list(fake.cache.glob("*")) == []  # no temporary file left behind


def test_missing_mirror_file_names_file_and_place(fake):
    (fake.mirror / "story.txt").unlink()
    with pytest.raises(data.DataUnavailableError, match="not in the mirror") as err:
        data.path("story")
    assert str(fake.cache / "story.txt") in str(err.value)


def test_unknown_name_lists_known_names(fake):
    with pytest.raises(ValueError, match="unknown dataset 'shakespeare'.*names, story"):
        data.path("shakespeare")
    with pytest.raises(TypeError):
        data.path(3)


def test_load_functions_reject_the_wrong_kind_of_dataset(fake):
    with pytest.raises(ValueError, match="not a text dataset"):
        data.load_text("names")
    with pytest.raises(ValueError, match="not a time series"):
        data.load_series("story")


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = self.files.get(self.path.lstrip("/"))
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"not found")

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server(fake):
    _Handler.files = dict(fake.payloads)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _point_urls(fake, base):
    for entry in fake.reg.values():
        for rel, info in entry["files"].items():
            info["urls"] = [f"{base}/missing/{rel}", f"{base}/{rel}"]


def test_download_tries_urls_in_order(fake, http_server, monkeypatch):
    monkeypatch.delenv(data.MIRROR_ENV)
    _point_urls(fake, http_server)
    assert data.path("story").read_bytes() == fake.payloads["story.txt"]


def test_download_with_wrong_hash_is_refused(fake, http_server, monkeypatch):
    monkeypatch.delenv(data.MIRROR_ENV)
    _point_urls(fake, http_server)
    _Handler.files["story.txt"] = b"a different text"
    with pytest.raises(data.DataUnavailableError, match="hash"):
        data.path("story")
    assert not (fake.cache / "story.txt").exists()


def test_unreachable_url_fails_fast_with_instructions(fake, monkeypatch):
    monkeypatch.delenv(data.MIRROR_ENV)
    with socket.socket() as s:  # a port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/story.txt"
    fake.reg["story"]["files"]["story.txt"]["urls"] = [url]
    with pytest.raises(data.DataUnavailableError) as err:
        data.path("story")
    message = str(err.value)
    assert url in message and "by hand" in message and data.MIRROR_ENV in message


def test_silent_server_times_out_instead_of_hanging(fake, monkeypatch):
    monkeypatch.delenv(data.MIRROR_ENV)
    monkeypatch.setenv(data.TIMEOUT_ENV, "1")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections but never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/story.txt"
        fake.reg["story"]["files"]["story.txt"]["urls"] = [url]
        start = time.monotonic()
        with pytest.raises(data.DataUnavailableError, match="imed out"):
            data.path("story")
        assert time.monotonic() - start < 15, "a silent server must not hang the loader"
    finally:
        listener.close()


def test_bad_timeout_setting_is_explained(fake, monkeypatch):
    monkeypatch.delenv(data.MIRROR_ENV)
    monkeypatch.setenv(data.TIMEOUT_ENV, "soon")
    with pytest.raises(ValueError, match="RNN_COURSE_DATA_TIMEOUT must be a number"):
        data.path("story")


def test_registry_file_is_the_one_the_readme_describes(repo_root):
    reg = json.loads((repo_root / "data" / "registry.json").read_text())
    readme = (repo_root / "data" / "README.md").read_text()
    for name in reg:
        assert name in readme, f"data/README.md does not mention {name}"


def test_make_data_entry_point_fetches_everything(fake, capsys):
    assert data.main() == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"ok       names: 2 file(s) verified in {fake.cache}",
                   f"ok       story: 1 file(s) verified in {fake.cache}"]
    assert (fake.cache / "names" / "Beta.txt").exists() and (fake.cache / "story.txt").exists()


def test_make_data_offline_reports_every_dataset_and_fails(fake, capsys):
    (fake.mirror / "story.txt").unlink()
    (fake.mirror / "names" / "Beta.txt").unlink()
    assert data.main() == 1
    out = capsys.readouterr().out
    assert "Traceback" not in out
    assert out.count("MISSING") == 2 and "2 of 2 datasets are missing: names, story" in out
    assert "names/Beta.txt" in out and str(fake.cache / "story.txt") in out and "by hand" in out


def test_make_data_command_line_exit_status(tmp_path):
    """`python -m helpers.data.files` with nothing reachable: one line per dataset, exit 1, no traceback."""
    import os
    import subprocess
    import sys

    env = {**os.environ, data.MIRROR_ENV: str(tmp_path / "empty-mirror"),
           data.CACHE_ENV: str(tmp_path / "fresh-cache")}
    (tmp_path / "empty-mirror").mkdir()
    result = subprocess.run([sys.executable, "-m", "helpers.data.files"], capture_output=True, text=True,
                            env=env, cwd=data.ROOT, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    registered = json.loads(data.REGISTRY_FILE.read_text())
    assert result.stdout.count("MISSING") == len(registered)
    assert all(f"MISSING  {name}:" in result.stdout for name in registered)


def _fetch_in_child(args):
    """Run in a separate process: fetch ``name`` and report what happened."""
    name, env = args
    import os

    os.environ.update(env)
    from helpers.data import files as child_data

    try:
        return "ok" if child_data.path(name).read_bytes() else "empty"
    except child_data.DataUnavailableError:
        return "loader error"
    except Exception as exc:  # anything raw is what this test is about
        return f"raw {type(exc).__name__}: {exc}"


def test_concurrent_fetches_over_a_damaged_cache_succeed(course_mirror, tmp_path):
    """Many processes start together from a damaged cached file: every one either gets the
    verified file or the loader's own error, never a raw OSError."""
    import multiprocessing

    cache = tmp_path / "cache"
    cache.mkdir()
    rel = "daily_min_temperatures.csv"
    (cache / rel).write_bytes((course_mirror / rel).read_bytes()[:1000])  # truncated
    env = {data.MIRROR_ENV: str(course_mirror), data.CACHE_ENV: str(cache)}
    with multiprocessing.get_context("spawn").Pool(8) as pool:
        outcomes = pool.map(_fetch_in_child, [("daily_min_temperatures", env)] * 32)
    assert all(o in ("ok", "loader error") for o in outcomes), sorted(set(outcomes))
    assert outcomes.count("ok") == len(outcomes)
    expected = data.registry()["daily_min_temperatures"]["files"][rel]["sha256"]
    assert sha256((cache / rel).read_bytes()) == expected


def test_read_only_cache_with_a_damaged_file_ends_in_the_loaders_error(fake, monkeypatch):
    """A cache the user cannot write to (simulated: root can write anywhere) holding a damaged
    file: the loader's own error, which says the folder is not writable and what to do."""
    p = data.path("story")
    p.write_bytes(b"damaged")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(p.parent / "tmpXYZ"))

    real_access = data.os.access
    monkeypatch.setattr(data.pooch.Pooch, "fetch", refuse)
    monkeypatch.setattr(data.os, "access",
                        lambda path, mode: False if mode == data.os.W_OK else real_access(path, mode))
    monkeypatch.setattr(data.Path, "unlink", lambda self, missing_ok=False: refuse())
    with pytest.raises(data.DataUnavailableError) as err:
        data.path("story")
    message = str(err.value)
    assert "PermissionError" in message and "is not writable" in message and data.CACHE_ENV in message
    assert str(p) in message


def test_names_cache_and_mirror_settings(fake, monkeypatch):
    assert data.dataset_names() == ["names", "story"]
    assert data.cache_dir() == fake.cache.resolve()
    assert data.mirror_dir() == fake.mirror.resolve()
    monkeypatch.setenv(data.MIRROR_ENV, "  ")
    assert data.mirror_dir() is None
    monkeypatch.delenv(data.CACHE_ENV)
    assert data.cache_dir() == data.ROOT / "data"


def test_check_all_gets_every_dataset(fake):
    assert data.check_all() == {"names": None, "story": None}
    assert (fake.cache / "names").is_dir() and (fake.cache / "story.txt").is_file()


def test_a_download_that_fails_once_is_retried_by_pooch(fake, monkeypatch):
    import requests

    calls = []

    def flaky(url, output_file, pooch_obj):
        calls.append(url)
        if len(calls) == 1:
            raise requests.exceptions.ConnectionError("connection reset")
        with open(output_file, "wb") as out:
            out.write(fake.payloads["story.txt"])

    monkeypatch.delenv(data.MIRROR_ENV)
    monkeypatch.setattr(data.pooch, "HTTPDownloader", lambda **options: flaky)
    monkeypatch.setattr("pooch.core.time.sleep", lambda seconds: None)
    assert data.path("story").read_bytes() == fake.payloads["story.txt"]
    assert calls == ["http://127.0.0.1:9/story.txt"] * 2
