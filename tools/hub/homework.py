"""Homework on the class server, through nbgrader's exchange (docs/class.md). Run as root on the hub's
machine; the instructor's nbgrader course folder is <prefix>/state/course (root only: it holds the
sources with their solutions and hidden tests, and every student's submission).

    python3 tools/hub/homework.py release rnn   # students see «rnn» under Assignments and fetch it
    python3 tools/hub/homework.py collect rnn   # the latest submission each student made themselves
    python3 tools/hub/homework.py grade rnn     # the course's grader, sandboxed; feedback to each student

`collect` takes, for each student, the latest entry of the exchange's inbound folder that this
student's own account made: an entry named after another student, or one whose name nbgrader cannot
read, is skipped with a warning (nbgrader's own collect takes the former and stops on the latter).
`release` puts the student version that `make release` writes (nbgrader's generate_assignment gives
the same notebook: tools/tests/test_nbgrader.py) into nbgrader's release folder and releases it.
`grade` grades the collected submissions with tools/grade.py: each runs in its own sandbox, as an
unprivileged user of its own, without network, within fixed limits; the course's hidden tests never
reach a student's kernel as files.
Each student's feedback (score, every check's message, the run with hidden checks reduced to a
verdict) is released with nbgrader's release_feedback; students get it with «Fetch Feedback».
"""
from __future__ import annotations

import argparse
import html
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbgrader.utils import parse_utc  # the exchange's timestamps, read as nbgrader reads them

PREFIX = Path(os.environ.get("DL_HUB_PREFIX", "/opt/dlcourse"))


class Course:
    """The instructor's side of nbgrader's exchange: <prefix>/state/course."""

    def __init__(self, prefix: Path):
        self.prefix = prefix
        self.dir = prefix / "state" / "course"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.course_id = course_id = _config_value(prefix / "config/singleuser/nbgrader_config.py",
                                                   "CourseDirectory.course_id")
        (self.dir / "nbgrader_config.py").write_text(
            "c = get_config()  # noqa: F821  (written by tools/hub/homework.py)\n"
            f"c.CourseDirectory.root = {str(self.dir)!r}\n"
            f"c.CourseDirectory.course_id = {course_id!r}\n"
            f"c.Exchange.root = {str(prefix / 'exchange')!r}\n")

    def nbgrader(self, *args: str) -> None:
        bin_dir = str(self.prefix / "venv/bin")  # nbgrader's gradebook runs `alembic` from PATH
        subprocess.run([f"{bin_dir}/nbgrader", *args], cwd=self.dir, check=True,
                       env=dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}"))

    @property
    def inbound(self) -> Path:
        return self.prefix / "exchange" / self.course_id / "inbound"

    def source(self, assignment: str) -> Path:
        path = self.prefix / "state" / "assignments" / assignment / f"{assignment}.ipynb"
        if not path.exists():
            known = sorted(p.name for p in (self.prefix / "state" / "assignments").iterdir())
            sys.exit(f"no assignment '{assignment}': the course has {', '.join(known)}")
        return path

    def tool(self, name: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.prefix / "venv/bin/python"), str(self.prefix / "course/tools" / name), *args],
                              env=env, cwd=self.dir)


def _config_value(path: Path, key: str) -> str:
    for line in path.read_text().splitlines():
        if line.startswith(f"c.{key} = "):
            return line.split(" = ", 1)[1].strip().strip("\"'")
    raise SystemExit(f"{path} does not set {key}: run tools/hub/install.sh again")


def release(course: Course, assignment: str) -> None:
    out = course.dir / "release" / assignment
    shutil.rmtree(out, ignore_errors=True)
    if course.tool("grade.py", "release", str(course.source(assignment)), "--out", str(out)).returncode:
        sys.exit("the release could not be written")
    course.nbgrader("release_assignment", assignment, "--force")


def collect(course: Course, assignment: str) -> list[Path]:
    """Copies each student's latest own submission into submitted/<student>/<assignment>, as nbgrader's
    `collect --update` does, but trusting an entry of the exchange only as far as the file system
    vouches for it: its owner must be the account it is named after."""
    latest: dict[str, tuple[datetime, Path]] = {}
    for entry in sorted(course.inbound.glob(f"*+{assignment}+*")):
        student, why = submitter(entry, assignment)
        if why:
            print(f"skipped {entry.name}: {why}", file=sys.stderr)
            continue
        stamp = parse_utc(entry.name.rsplit("+", 3)[2])
        if student not in latest or stamp > latest[student][0]:
            latest[student] = (stamp, entry)
    for student, (_, entry) in sorted(latest.items()):
        dest = course.dir / "submitted" / student / assignment
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        for name in (f"{assignment}.ipynb", "timestamp.txt", "submission_secret.txt"):
            try:
                copy_regular(entry / name, dest / name)
            except OSError as e:  # gone, a link, a FIFO, too large: this student's copy lacks it, no one else's
                print(f"{entry.name}/{name}: not collected ({e.strerror or e})", file=sys.stderr)
    found = sorted((course.dir / "submitted").glob(f"*/{assignment}/{assignment}.ipynb"))
    print(f"{len(found)} submission(s) of {assignment} in {course.dir / 'submitted'}")
    return found


COLLECTED_BYTES = 16 << 20  # a submitted file larger than this is not copied (the grader reads 8 MiB at most)


def copy_regular(src: Path, dest: Path) -> None:
    """Copies `src` if it is a regular file of at most COLLECTED_BYTES, never through a link; OSError otherwise."""
    fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError(0, "not a regular file")
        data = f.read(COLLECTED_BYTES + 1)
    if len(data) > COLLECTED_BYTES:
        raise OSError(0, f"larger than {COLLECTED_BYTES >> 20} MiB")
    dest.write_bytes(data)


def submitter(entry: Path, assignment: str) -> tuple[str, str | None]:
    """(the student an inbound entry `<student>+<assignment>+<timestamp>+<random>` belongs to, None),
    or (name, why it is not that student's submission)."""
    parts = entry.name.rsplit("+", 3)
    if len(parts) != 4 or parts[1] != assignment:
        return entry.name, "not <student>+<assignment>+<timestamp>+<random>"
    student = parts[0]
    try:
        parse_utc(parts[2])
    except (ValueError, OverflowError, TypeError):
        return student, f"no timestamp in the name ({parts[2]!r})"
    try:
        info = entry.lstat()
    except OSError:
        return student, "gone while collecting"
    if not stat.S_ISDIR(info.st_mode):
        return student, "not a folder"
    try:
        account = pwd.getpwnam(student).pw_uid
    except KeyError:
        return student, "no such account"
    if info.st_uid != account:
        return student, f"claims to be {student}'s but was made by uid {info.st_uid}"
    return student, None


def grade(course: Course, assignment: str, jobs: int) -> dict:
    submissions = collect(course, assignment)
    if not submissions:
        sys.exit("nothing to grade")
    out = course.dir / "graded" / assignment
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, ENGINE_CACHE_DIR=str(course.prefix / "engine"),
               DJL_CACHE_DIR=str(course.prefix / "state" / "grading-djl"))
    done = course.tool("grade.py", "grade", str(course.source(assignment)), *map(str, submissions),
                       "--out", str(out), "--jobs", str(jobs), env=env)
    report_file = out / "report.json"
    if not report_file.exists():  # exit 1 only means that someone did not pass
        sys.exit(f"grading failed (exit {done.returncode}): no {report_file}")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    for result, path in zip(report["submissions"], submissions):
        student = path.parents[1].name
        folder = course.dir / "feedback" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("timestamp.txt", "submission_secret.txt"):  # how nbgrader finds the submission
            if (path.parent / name).is_file():  # collected as a regular file, or missing: no feedback for it
                shutil.copyfile(path.parent / name, folder / name)
        (folder / f"{assignment}.html").write_text(feedback_page(assignment, result), encoding="utf-8")
    course.nbgrader("release_feedback", assignment)
    print(f"feedback released to {len(submissions)} student(s); the class's report: {out / 'report.md'}")
    return report


def feedback_page(assignment: str, result: dict) -> str:
    """One student's feedback: the score, each check's result and message, then their run (the
    hidden checks only as a verdict). Self-contained: nothing is loaded from the network."""
    rows = "".join(
        f"<tr><td>{html.escape(c['id'])}</td><td>{c['points']:g} / {c['max_points']:g}</td>"
        f"<td>{'✓' if c['status'] == 'passed' else '✗'}</td><td>{html.escape(c['message'])}</td></tr>"
        for c in result["checks"])
    run = ""
    if result.get("executed") and Path(result["executed"]).exists():
        body, _ = HTMLExporter(template_name="basic").from_notebook_node(nbformat.read(result["executed"], 4))
        run = f"<h2>Ваш блокнот, выполненный при проверке</h2>{body}"
    return (f"<!DOCTYPE html><html lang='ru'><head><meta charset='utf-8'><title>{assignment}: отзыв</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:1em auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}pre{white-space:pre-wrap}</style>"
            f"</head><body><h1>{html.escape(assignment)}: {result['score']:g} из {result['max_score']:g} "
            f"({result['percent']:.0f} %)</h1><table><tr><th>проверка</th><th>баллы</th><th></th><th>сообщение</th></tr>"
            f"{rows}</table>{run}</body></html>")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["release", "collect", "grade"])
    parser.add_argument("assignment")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    parser.add_argument("--prefix", type=Path, default=PREFIX)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("homework.py reads every student's submission and sandboxes the grading: run it as root")
    course = Course(args.prefix)
    if args.action == "release":
        release(course, args.assignment)
    elif args.action == "collect":
        collect(course, args.assignment)
    else:
        grade(course, args.assignment, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
