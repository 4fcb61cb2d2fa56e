"""The student edition: the course as a class gets it, written from this (the instructors') repository.

    .venv/bin/python tools/edition.py write OUT   # write the edition into OUT, then check it
    .venv/bin/python tools/edition.py check DIR   # fail if any file under DIR (or its git history) holds an answer

`make student-edition OUT=<dir>` runs `write`. The edition holds the notebooks, the library, the data,
the set-up, the released assignments (stubs in place of solutions, no hidden tests), a README for
students, the course image's Dockerfile and a Dev Container definition. It is written from an
allow-list of files that git tracks (PUBLIC), so nothing untracked, ignored or new reaches students
unless it is added there. Writing into an existing git clone of the edition keeps its .git and
replaces everything else: the instructor commits the result and pushes it to the class's repository.

The check does not trust the allow-list. It collects, from the instructors' files, every line that
students must never see (SECRET: the lines of every solution region and hidden-test region of the
assignment sources, every fixture, the exercise solutions in docs/solutions), drops the lines that
the course publishes anyway (the notebooks', the library's and the released assignments' own lines:
a solution may share a line with the library it calls), and looks for each remaining line in every
file of the edition, notebooks read cell by cell, and in every blob of its git history.
"""
from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

import grade

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "tools" / "edition"

# Tracked paths the edition copies as they are (a folder means every tracked file under it).
PUBLIC = [
    "notebooks/", "src/main/", "pom.xml", "requirements.txt", "environment.yml", "data/", "docs/",
    "tools/setup.sh", "tools/apt-install.sh", "tools/prepare_data.sh", "tools/fetch_fashion_mnist.py",
    "tools/install_kernel.py", "tools/course_kernel.py", "tools/lab.sh", "tools/lab/",
    "tools/run_notebook.py", "tools/LoadEngine.java",
]
# docs/grading.md for students: its title and the part "Студенту", up to the instructors' part.
GRADING, INSTRUCTORS_PART = "docs/grading.md", "\n## Преподавателю"
# Tracked paths under PUBLIC that students must not get (GRADING: they get its first part).
WITHHELD = ["docs/solutions/", "docs/class.md", GRADING]
# The edition's own files: template under tools/edition/ -> path in the edition.
OWN = {"README.md": "README.md", "Makefile": "Makefile", "Dockerfile": "Dockerfile",
       "dockerignore": ".dockerignore", "gitignore": ".gitignore", "gitattributes": ".gitattributes",
       "devcontainer.json": ".devcontainer/devcontainer.json", "start.sh": "tools/start.sh"}
# What the class's repository keeps when the edition is written into it again: its history and its own
# workflows (the instructor's GitHub Classroom grading, assignments/ci/classroom.yml).
KEEP = {".git", ".github"}
SOURCES = ROOT / "assignments" / "source"
RELEASED = "notebooks/homework"         # <name>/<name>.ipynb in the edition: where `make lab` and the image show them
MARK = ".student-edition"               # in every edition: a folder without it is never emptied

# A line shorter than this (after whitespace is collapsed) says nothing about an answer: `}`, `return y;`.
MIN_SECRET = 12
# A line at least this long is distinctive enough to be looked for inside longer lines too (a solution
# line pasted into a comment or a string); a shorter one only as a whole line (`.duplicate();` is part
# of many lines of the library).
MIN_EMBEDDED = 40


# --- writing ----------------------------------------------------------------------------------

def tracked(paths: list[str]) -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z", "--", *paths], cwd=ROOT, check=True,
                         capture_output=True).stdout.decode().split("\0")
    return [p for p in out if p]


def public_files() -> list[str]:
    return [p for p in tracked(PUBLIC) if not any(p == w or p.startswith(w) for w in WITHHELD)]


def released_assignments() -> dict[str, nbformat.NotebookNode]:
    """edition path -> the student version of each assignment source."""
    return {f"{RELEASED}/{src.parent.name}/{src.name}": grade.release(nbformat.read(src, as_version=4))
            for src in sorted(SOURCES.glob("*/*.ipynb"))}


def dirty(paths: list[str]) -> list[str]:
    """Those of `paths` that differ from the last commit: the edition publishes the working tree."""
    out = subprocess.run(["git", "status", "--porcelain", "--", *paths], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return [line[3:] for line in out.splitlines()]


def write(out: Path) -> list[str]:
    """Write the edition into `out` (what KEEP names there is kept) and return the paths written.
    `out` is new, empty (but for KEEP), or an edition written before."""
    out.mkdir(parents=True, exist_ok=True)
    if not (out / MARK).exists() and any(e.name not in KEEP for e in out.iterdir()):
        raise SystemExit(f"{out} holds files and is not a student edition: choose a new or empty folder "
                         "(a new GitHub repository: create it without a README)")
    for entry in out.iterdir():
        if entry.name not in KEEP:
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    (out / MARK).write_text("Written by tools/edition.py of the course's instructors' repository: every file here\n"
                            "but .git and .github is replaced when the edition is written again.\n")

    def place(rel: str) -> Path:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        return out / rel

    public = public_files()
    for rel in public:
        shutil.copy2(ROOT / rel, place(rel))
    for template, rel in OWN.items():
        shutil.copy2(TEMPLATES / template, place(rel))
    grading = (ROOT / GRADING).read_text()
    place(GRADING).write_text(grading[:grading.index(INSTRUCTORS_PART)] + "\n")
    released = released_assignments()
    for rel, nb in released.items():
        nbformat.write(nb, place(rel))
    return public + list(OWN.values()) + [GRADING] + list(released)


# --- checking ---------------------------------------------------------------------------------

def normalise(line: str) -> str:
    return " ".join(line.split())


def lines_of(text: str) -> set[str]:
    return {normalise(x) for x in text.splitlines()} - {""}


def notebook_text(nb) -> str:
    """Every cell's source and every text output of a notebook, one line per line."""
    parts = []
    for cell in nb.get("cells", []):
        parts.append(cell.get("source", "") if isinstance(cell.get("source"), str) else "".join(cell.get("source")))
        for o in cell.get("outputs", []) or []:
            text = o.get("text") or "\n".join(str(v) for v in (o.get("data") or {}).values())
            parts.append(text if isinstance(text, str) else "".join(text))
    return "\n".join(parts)


def regions(source: str) -> dict[str, str]:
    """A cell's lines by where they stand: inside BEGIN/END SOLUTION, inside BEGIN/END HIDDEN TESTS, or
    outside both (the marker lines belong to none). Read here, not with the grader's release code, so
    that a fault in releasing cannot also hide what it leaked from this check."""
    where, out = "outside", {"solution": [], "hidden test": [], "outside": []}
    for line in source.splitlines():
        if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
            where = "solution" if "SOLUTION" in line else "hidden test"
        elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
            where = "outside"
        else:
            out[where].append(line)
    return {k: "\n".join(v) for k, v in out.items()}


@dataclass
class Secret:
    line: str
    origin: str             # where it comes from, e.g. assignments/source/lstm/lstm.ipynb (solution)


def secrets() -> list[Secret]:
    """Every line students must not see, less the lines the course publishes anyway."""
    found: dict[str, str] = {}

    def add(text: str, origin: str):
        for line in lines_of(text):
            if len(line) >= MIN_SECRET and re.search(r"\w", line):
                found.setdefault(line, origin)

    assignments = []   # what the assignment sources show students: every line outside the regions
    for src in sorted(SOURCES.glob("*/*.ipynb")):
        rel = src.relative_to(ROOT)
        for cell in nbformat.read(src, as_version=4).cells:
            parts = regions(cell.source)
            add(parts["solution"], f"{rel} (solution)")
            add(parts["hidden test"], f"{rel} (hidden test)")
            assignments.append(parts["outside"])
    for f in sorted((ROOT / "assignments" / "fixtures").rglob("*")):
        if f.is_file():
            add(f.read_text(errors="replace"), f"{f.relative_to(ROOT)} (fixture)")
    for f in sorted((ROOT / "docs" / "solutions").glob("*.ipynb")):
        add(notebook_text(nbformat.read(f, as_version=4)), f"{f.relative_to(ROOT)} (exercise solution)")

    texts = [notebook_text(nbformat.read(ROOT / rel, as_version=4)) if rel.endswith(".ipynb")
             else (ROOT / rel).read_text(errors="replace") for rel in tracked(["notebooks/", "src/main/"])]
    texts += assignments
    published = Text("\n".join(texts))
    return [Secret(line, origin) for line, origin in found.items() if not published.holds(line)]


class Text:
    """A text's lines, whitespace collapsed, to look secret lines up in."""

    def __init__(self, text: str):
        self.lines = lines_of(text)
        self.joined = "\n".join(self.lines)

    def holds(self, line: str) -> bool:
        return line in self.lines or (len(line) >= MIN_EMBEDDED and line in self.joined)


def text_of(data: bytes) -> str:
    """A file's text; a notebook's cells and outputs, whatever the file is named."""
    text = data.decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            nb = json.loads(data)
        except ValueError:
            return text
        if isinstance(nb, dict) and isinstance(nb.get("cells"), list):
            return notebook_text(nb) + "\n" + text   # the cells' lines, and the raw JSON for everything else
    return text


def history_texts(folder: Path):
    """(name, text) of every blob in folder's git repository, reachable or not."""
    dump = subprocess.run(["git", "-C", str(folder), "cat-file", "--batch-all-objects", "--batch"],
                          check=True, capture_output=True).stdout
    at = 0
    while at < len(dump):
        header_end = dump.index(b"\n", at)
        sha, kind, size = dump[at:header_end].decode().split()
        body = dump[header_end + 1:header_end + 1 + int(size)]
        at = header_end + 1 + int(size) + 1
        if kind == "blob":
            yield f"git history: blob {sha[:12]}", text_of(body)


def check(folder: Path, known: list[Secret] | None = None) -> list[str]:
    """The leaks in `folder`: one line per (file, secret line) found, empty when there is none."""
    known = secrets() if known is None else known
    texts = ((str(p.relative_to(folder)), text_of(p.read_bytes())) for p in sorted(folder.rglob("*"))
             if p.is_file() and ".git" not in p.relative_to(folder).parts)
    if (folder / ".git").exists():
        texts = itertools.chain(texts, history_texts(folder))
    leaks = []
    for name, text in texts:
        content = Text(text)
        leaks += [f"{name}: «{s.line}» from {s.origin}" for s in known if content.holds(s.line)]
    return leaks


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["write", "check"])
    p.add_argument("folder", type=Path)
    a = p.parse_args(argv)
    folder = a.folder.resolve()
    if folder in ROOT.parents or folder == ROOT or (ROOT in folder.parents and ROOT / "build" not in folder.parents):
        sys.exit(f"{folder} is, or holds, the instructors' repository: choose a folder outside it (or under build/)")
    if a.command == "write":
        written = write(folder)
        print(f"student edition: {len(written)} files -> {folder}")
        changed = dirty(PUBLIC + [str(TEMPLATES.relative_to(ROOT)), "assignments/source/"])
        if changed:
            print(f"warning: {len(changed)} of its sources differ from the last commit (published as they are now): "
                  + ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else ""))
    known = secrets()
    leaks = check(folder, known)
    if leaks:
        print(f"ERROR: the edition in {folder} holds {len(leaks)} line(s) students must not see:", file=sys.stderr)
        for leak in leaks[:50]:
            print("  " + leak, file=sys.stderr)
        if any(leak.startswith("git history") for leak in leaks):
            print("A line in the git history stays there after the file is fixed: rewrite the commits that hold it "
                  "(and, for blobs no commit reaches, git reflog expire --expire=now --all && git gc --prune=now); "
                  "once pushed, treat the lines as public and change the assignment.", file=sys.stderr)
        return 1
    print(f"checked {folder}: none of the {len(known)} solution, hidden-test, fixture and exercise-solution lines "
          "is in any file" + (" or in its git history" if (folder / ".git").exists() else "")
          + f" (lines of {MIN_SECRET}+ characters not published anyway by the notebooks and the library)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
