"""requirements.txt and environment.yml must name the same packages with the same pins
(environment.yml fixes Python 3.11, so it carries the pins requirements.txt gives for 3.11)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)$")


def requirement_pins(text: str, python: str = "3.11") -> dict[str, str]:
    """name -> version for the exact pins in a requirements file that apply to ``python``."""
    found = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        spec, _, marker = line.partition(";")
        if marker:
            op, version = re.fullmatch(r'\s*python_version\s*(>=|<)\s*"([\d.]+)"\s*', marker).groups()
            key = tuple(map(int, python.split(".")))
            applies = key >= tuple(map(int, version.split("."))) if op == ">=" else \
                key < tuple(map(int, version.split(".")))
            if not applies:
                continue
        match = PIN.match(spec.strip())
        assert match, f"not an exact pin: {line!r}"
        found[match.group(1).lower()] = match.group(2)
    return found


def environment_pins(text: str) -> dict[str, str]:
    env = yaml.safe_load(text)
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return {m.group(1).lower(): m.group(2) for m in map(PIN.match, pip_section) if m}


def test_requirements_are_exact_pins_and_torch_is_pinned():
    text = (ROOT / "requirements.txt").read_text()
    assert requirement_pins(text)["torch"] == "2.13.0"
    assert requirement_pins(text, "3.10")["torch"] == "2.13.0"
    assert requirement_pins(text, "3.10")["numpy"] != requirement_pins(text)["numpy"]


def test_environment_yml_matches_requirements():
    reqs = requirement_pins((ROOT / "requirements.txt").read_text())
    env_text = (ROOT / "environment.yml").read_text()
    env = environment_pins(env_text)
    assert reqs == env, (f"only in requirements.txt: {sorted(set(reqs.items()) - set(env.items()))}; "
                         f"only in environment.yml: {sorted(set(env.items()) - set(reqs.items()))}")
    assert "python=3.11" in yaml.safe_load(env_text)["dependencies"]
    assert "-e ." in next(d["pip"] for d in yaml.safe_load(env_text)["dependencies"] if isinstance(d, dict))


def test_a_drifted_pin_is_seen():
    reqs = requirement_pins("numpy==2.4.6\ntorch==2.13.0\n")
    env = environment_pins("dependencies:\n  - pip:\n      - numpy==2.4.5\n      - torch==2.13.0\n")
    assert reqs != env
