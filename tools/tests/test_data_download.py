"""The download fallback of tools/prepare_data.sh (tools/fetch_fashion_mnist.py) against an HTTP
server on 127.0.0.1 that serves Debian's copy of the four files: nothing else is contacted.

Each test runs the real scripts, copied into a temporary course folder so that their data/ lands
there, with FASHION_MNIST_URL pointing at the local server.
"""
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1]
DEBIAN = Path("/usr/share/datasets/fashion-mnist")
NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
BASE = "/mirror/fashmnist/1.0/"  # the server answers under this path only: checks how URLs are joined

pytestmark = pytest.mark.skipif(
    not all((DEBIAN / f"{n}.gz").is_file() for n in NAMES),
    reason=f"the test serves Debian's files and {DEBIAN} is missing: apt-get install dataset-fashion-mnist")


def debian_files() -> dict[str, bytes]:
    return {f"{n}.gz": (DEBIAN / f"{n}.gz").read_bytes() for n in NAMES}


@contextmanager
def serving(files: dict[str, bytes]):
    """An HTTP server on 127.0.0.1 (a free port) serving files under BASE, 404 for anything else.
    Yields (base URL, list of the paths requested)."""
    requested = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            body = files.get(self.path[len(BASE):]) if self.path.startswith(BASE) else None
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):  # keep pytest's output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{BASE}", requested
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def course(tmp_path):
    """A course folder holding only the two scripts under test."""
    (tmp_path / "tools").mkdir()
    for script in ("prepare_data.sh", "fetch_fashion_mnist.py"):
        shutil.copy(TOOLS / script, tmp_path / "tools" / script)
    return tmp_path


def prepare_data(course: Path, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k != "FASHION_MNIST_SRC"}
    env.update(FASHION_MNIST_URL=url, NO_PROXY="*", no_proxy="*")  # loopback only, never via a proxy
    return subprocess.run(["bash", str(course / "tools" / "prepare_data.sh")], env=env,
                          capture_output=True, text=True, timeout=300)


def download_dir(course: Path) -> Path:
    return course / "data" / "fashion-mnist" / "download"


def metadata(course: Path) -> Path:
    return course / "data/fashion-mnist/dataset/cv/ai/djl/basicdataset/fashmnist/metadata.json"


def test_download_arrives_byte_identical_and_metadata_points_at_it(course):
    files = debian_files()
    with serving(files) as (url, requested):
        run = prepare_data(course, url)
    assert run.returncode == 0, run.stdout + run.stderr
    assert url in run.stdout, "says where it downloads from"
    assert sorted(requested) == sorted(BASE + name for name in files)

    out = download_dir(course)
    assert sorted(p.name for p in out.iterdir()) == sorted(files), "the four files, no leftovers"
    for name, body in files.items():
        assert (out / name).read_bytes() == body, name
        assert re.search(rf"{re.escape(name)} +[\d.]+ [kM]B  checksum ok", run.stdout), "one line per file, with its size"

    items = json.loads(metadata(course).read_text())["artifacts"][0]["files"]
    uris = {item["name"]: item["uri"] for item in items.values()}
    assert uris == {n: (out / f"{n}.gz").resolve().as_uri() for n in NAMES}

    # Again, with the server gone: the verified files are kept, nothing is downloaded.
    again = prepare_data(course, url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("already here, checksum ok") == 4


def test_corrupted_file_fails_naming_it_and_leaves_nothing_usable(course):
    files = debian_files()
    bad = "t10k-images-idx3-ubyte.gz"
    good_pixels = gzip.decompress(files[bad])
    wrong_pixels = bytearray(good_pixels)
    wrong_pixels[5000] ^= 0xFF  # one pixel, in a well-formed gzip file: only a checksum can tell
    files[bad] = gzip.compress(bytes(wrong_pixels), mtime=0)

    with serving(files) as (url, _):
        run = prepare_data(course, url)
    assert run.returncode != 0
    assert f"{bad} is not the expected file" in run.stderr, run.stderr
    assert hashlib.sha256(good_pixels).hexdigest() in run.stderr, "names the expected hash"
    assert hashlib.sha256(wrong_pixels).hexdigest() in run.stderr, "names the hash that arrived"
    assert "FASHION_MNIST_SRC=" in run.stderr, "says what to do instead"
    left = [p.name for p in download_dir(course).iterdir()]
    assert bad not in left and not any(n.endswith(".part") for n in left), left
    assert not metadata(course).exists()


def test_file_missing_on_the_server_fails_clearly(course):
    files = debian_files()
    missing = "t10k-labels-idx1-ubyte.gz"
    del files[missing]

    with serving(files) as (url, _):
        run = prepare_data(course, url)
    assert run.returncode != 0
    assert f"could not download {url}{missing}: the server answered 404" in run.stderr, run.stderr
    assert "FASHION_MNIST_SRC=" in run.stderr
    left = [p.name for p in download_dir(course).iterdir()]
    assert missing not in left and not any(n.endswith(".part") for n in left), left
    assert not metadata(course).exists()
