"""requirements.txt (pip) and environment.yml (conda/Binder) pin the same Python packages at the
same versions, and every pin is exact (==). environment.yml's `pip:` section is read without
PyYAML: it is a plain list of `name==version` strings."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _norm(name: str) -> str:  # PEP 503 normalised project name
    return re.sub(r"[-_.]+", "-", name).lower()


def _pin(spec: str, where: str) -> tuple[str, str]:
    spec = spec.split("#", 1)[0].strip().strip("'\"")
    m = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*==\s*([^\s;,]+)", spec)
    if not m:
        raise ValueError(f"{where}: {spec!r} is not pinned as name==version")
    return _norm(m.group(1)), m.group(3)


def requirements_pins(text: str) -> dict[str, str]:
    pins = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = _pin(line, f"requirements.txt:{n}")
            pins[name] = version
    return pins


def environment_pip_pins(text: str) -> dict[str, str]:
    """The `- pip:` list of a conda environment file."""
    pins, pip_indent = {}, None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if pip_indent is None:
            if re.fullmatch(r"\s*-\s*pip\s*:\s*", line):
                pip_indent = indent
            continue
        if indent <= pip_indent:
            break  # the pip list ended
        m = re.fullmatch(r"\s*-\s*(.+)", line)
        if not m:
            raise ValueError(f"environment.yml:{n}: unexpected line in the pip list: {raw!r}")
        name, version = _pin(m.group(1), f"environment.yml:{n}")
        pins[name] = version
    if pip_indent is None:
        raise ValueError("environment.yml has no `- pip:` section")
    return pins


def mismatches(req: dict[str, str], env: dict[str, str]) -> list[str]:
    out = []
    for name in sorted(set(req) | set(env)):
        if name not in env:
            out.append(f"{name}=={req[name]} is in requirements.txt but not in environment.yml")
        elif name not in req:
            out.append(f"{name}=={env[name]} is in environment.yml but not in requirements.txt")
        elif req[name] != env[name]:
            out.append(f"{name}: requirements.txt pins {req[name]}, environment.yml pins {env[name]}")
    return out


def test_requirements_and_environment_pin_the_same_packages():
    req = requirements_pins((ROOT / "requirements.txt").read_text())
    env = environment_pip_pins((ROOT / "environment.yml").read_text())
    assert req, "requirements.txt pins nothing"
    problems = mismatches(req, env)
    assert not problems, "requirements.txt and environment.yml differ:\n  " + "\n  ".join(problems)


# --- the checker itself, on synthetic files ---------------------------------------------------

ENV = """\
name: x
dependencies:
  - python=3.11
  - pip
  - pip:
      - jupyterlab==4.6.4   # the front end
      - Plotly==7.1.0
  - maven
"""


def test_parser_reads_only_the_pip_list():
    assert environment_pip_pins(ENV) == {"jupyterlab": "4.6.4", "plotly": "7.1.0"}


def test_a_version_mismatch_is_detected():
    req = requirements_pins("# c\njupyterlab==4.6.4\nplotly==7.0.0\n")
    assert mismatches(req, environment_pip_pins(ENV)) == [
        "plotly: requirements.txt pins 7.0.0, environment.yml pins 7.1.0"]


def test_a_missing_package_is_detected():
    req = requirements_pins("jupyterlab==4.6.4\nplotly==7.1.0\npytest==9.2.0\n")
    assert mismatches(req, environment_pip_pins(ENV)) == [
        "pytest==9.2.0 is in requirements.txt but not in environment.yml"]


def test_an_unpinned_requirement_is_rejected():
    with pytest.raises(ValueError, match="not pinned"):
        requirements_pins("jupyterlab>=4\n")
