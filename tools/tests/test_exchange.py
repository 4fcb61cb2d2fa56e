"""The class server's collection (tools/hub/homework.py collect): each student's own latest entry of
nbgrader's inbound folder, whatever other students drop there. Runs as root (it gives entries to
system accounts), without a hub; the hub test (make hub-test) tries the same through a student's kernel."""
import os
import pwd
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))
import homework  # noqa: E402

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="gives files to other accounts: needs root")
VICTIM, OTHER = "daemon", "bin"     # two accounts every Debian has
EARLIER, STAMP, LATER = ("2026-12-06 09:00:00.000000 UTC", "2026-12-07 10:00:00.000000 UTC",
                         "2099-01-01 00:00:00.000000 UTC")


def entry(inbound: Path, name: str, owner: str, text: str) -> None:
    folder = inbound / name
    folder.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)]), folder / "rnn.ipynb")
    (folder / "timestamp.txt").write_text(name.rsplit("+", 3)[2] if name.count("+") >= 3 else "")
    uid = pwd.getpwnam(owner).pw_uid
    for path in [folder, *folder.iterdir()]:
        os.lchown(path, uid, uid)


def test_collect_takes_each_students_own_latest_entry_only(tmp_path, capsys):
    config = tmp_path / "config" / "singleuser" / "nbgrader_config.py"
    config.parent.mkdir(parents=True)
    config.write_text('c.CourseDirectory.course_id = "course"\n')
    course = homework.Course(tmp_path)
    course.inbound.mkdir(parents=True)
    entry(course.inbound, f"{VICTIM}+rnn+{STAMP}+a", VICTIM, "the victim's own")
    entry(course.inbound, f"{VICTIM}+rnn+{EARLIER}+f", VICTIM, "the victim's own, an earlier try")
    entry(course.inbound, f"{VICTIM}+rnn+{LATER}+b", OTHER, "forged, dated later")   # in the victim's name
    entry(course.inbound, f"{OTHER}+rnn+no timestamp+c", OTHER, "unreadable name")
    entry(course.inbound, f"{OTHER}+rnn+x", OTHER, "three parts: nbgrader reads x as the timestamp")
    entry(course.inbound, f"nosuchaccount+rnn+{STAMP}+d", OTHER, "nobody's")
    (course.inbound / f"{OTHER}+rnn+{STAMP}+e").symlink_to(course.inbound / f"{VICTIM}+rnn+{STAMP}+a")
    found = homework.collect(course, "rnn")
    assert [p.parents[1].name for p in found] == [VICTIM]
    assert "the victim's own\"" in found[0].read_text()  # the latest of the victim's own, not the earlier try
    warned = capsys.readouterr().err
    for name in (f"{VICTIM}+rnn+{LATER}+b", f"{OTHER}+rnn+no timestamp+c", f"{OTHER}+rnn+x",
                 f"nosuchaccount+rnn+{STAMP}+d", f"{OTHER}+rnn+{STAMP}+e"):
        assert f"skipped {name}:" in warned, warned
