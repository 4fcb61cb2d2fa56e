"""The course kernel's classpath holds the library and its dependencies, and none of the measuring
apparatus: the benchmarks (src/bench/java) compile with the tests, into target/test-classes, which
the kernel spec does not name."""
import json
import os
import zipfile
from pathlib import Path

import install_kernel
from course_kernel import SPEC


def classpath_entries(spec: Path) -> list[Path]:
    """JJAVA_CLASSPATH's entries, a trailing `/*` expanded to the folder's jars as Java does."""
    entries = []
    for part in json.loads(spec.read_text())["env"]["JJAVA_CLASSPATH"].split(os.pathsep):
        if part.endswith(os.sep + "*"):
            entries += sorted(Path(part[:-2]).glob("*.jar"))
        elif part:
            entries.append(Path(part))
    return entries


def class_names(entry: Path) -> set[str]:
    if entry.is_dir():
        return {p.relative_to(entry).as_posix() for p in entry.rglob("*.class")}
    with zipfile.ZipFile(entry) as jar:
        return {n for n in jar.namelist() if n.endswith(".class")}


def test_the_kernel_classpath_holds_the_library_and_no_benchmark():
    names = set().union(*(class_names(e) for e in classpath_entries(SPEC)))
    assert "dlcourse/train/Training.class" in names, f"the library is not on {SPEC}'s classpath"
    assert "ai/djl/Model.class" in names, f"DJL is not on {SPEC}'s classpath"
    benchmarks = sorted(n for n in names if n.startswith("dlcourse/bench/"))
    assert not benchmarks, f"benchmark classes on the kernel's classpath: {benchmarks[:5]}"


def test_the_classpath_is_joined_with_the_platforms_separator(monkeypatch):
    """Java reads a classpath split by ';' on Windows and ':' elsewhere: a spec written on Windows with
    ':' would make one entry of the two, and the kernel would find neither the library nor DJL."""
    monkeypatch.setattr(install_kernel.os, "pathsep", ";")
    root = Path("/course")
    spec = install_kernel.kernel_spec("java", root, gpu=False, environ={})
    assert spec["env"]["JJAVA_CLASSPATH"] == f"{root / 'target' / 'classes'};{root / 'target' / 'lib' / '*'}"
