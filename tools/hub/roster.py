"""The class's Unix accounts, from a roster file (docs/class.md). Run as root on the hub's machine.

    python3 tools/hub/roster.py add roster.csv       # makes the accounts that are missing
    python3 tools/hub/roster.py remove roster.csv    # deletes them with their homes

The roster is CSV, one person a line: `login,role` with role `student` or `instructor` (a header
line `login,role` may come first). A new account gets a home that only its owner can read and a
random password, written once to <prefix>/state/passwords-<time>.csv (root only) for the instructor
to hand out; students change it with `passwd` in JupyterLab's terminal. An existing account keeps its
password and files; only its group and its home's permissions are put right.
"""
from __future__ import annotations

import argparse
import csv
import os
import pwd
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

GROUPS = {"student": "dlcourse-students", "instructor": "dlcourse-instructors"}
LOGIN = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")


def read_roster(path: Path) -> list[tuple[str, str]]:
    people = []
    with open(path, newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.reader(f), 1):
            row = [x.strip() for x in row]
            if not row or not row[0] or row[0].startswith("#") or row[:2] == ["login", "role"]:
                continue
            login, role = (row + ["student"])[:2]
            if not LOGIN.match(login):
                sys.exit(f"{path}:{n}: '{login}' is not a valid Unix login (lower-case letters, digits, _ and -)")
            if role not in GROUPS:
                sys.exit(f"{path}:{n}: role '{role}' is neither 'student' nor 'instructor'")
            people.append((login, role))
    return people


def exists(login: str) -> bool:
    try:
        pwd.getpwnam(login)
        return True
    except KeyError:
        return False


def add(people, state: Path) -> Path | None:
    created = []
    for login, role in people:
        if not exists(login):
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--gid", GROUPS[role], login],
                           check=True)
            password = secrets.token_urlsafe(12)
            subprocess.run(["chpasswd"], input=f"{login}:{password}\n", text=True, check=True)
            created.append((login, role, password))
        else:
            subprocess.run(["usermod", "--append", "--groups", GROUPS[role], login], check=True)
        os.chmod(pwd.getpwnam(login).pw_dir, 0o700)
    if not created:
        print(f"{len(people)} accounts, none new")
        return None
    out = state / f"passwords-{time.strftime('%Y%m%d-%H%M%S')}.csv"
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", newline="") as f:
        csv.writer(f).writerows([("login", "role", "password"), *created])
    print(f"{len(created)} new accounts ({len(people) - len(created)} existed); their passwords: {out}")
    return out


def remove(people) -> None:
    gone = [login for login, _ in people if exists(login)]
    for login in gone:
        for _ in range(50):  # userdel refuses while the user has processes: their servers, kernels
            if subprocess.run(["pkill", "-KILL", "-u", login]).returncode == 1:  # none left
                break
            time.sleep(0.2)
        subprocess.run(["userdel", "--remove", login], check=True, stderr=subprocess.DEVNULL)
    print(f"{len(gone)} accounts removed with their homes")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["add", "remove"])
    parser.add_argument("roster", type=Path)
    parser.add_argument("--prefix", type=Path, default=Path(os.environ.get("DL_HUB_PREFIX", "/opt/dlcourse")))
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        sys.exit("roster.py makes and removes Unix accounts: run it as root")
    people = read_roster(args.roster)
    if args.action == "add":
        state = args.prefix / "state"
        if not state.is_dir():
            sys.exit(f"{state} does not exist: install the hub first (make hub, or tools/hub/install.sh)")
        add(people, state)
    else:
        remove(people)
    return 0


if __name__ == "__main__":
    sys.exit(main())
