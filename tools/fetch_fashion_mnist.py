#!/usr/bin/env python3
"""Downloads Fashion-MNIST's four gzipped IDX files for machines without Debian's
`dataset-fashion-mnist` (macOS, Windows, Linux without apt), from where DJL's own FashionMnist
downloads them, and verifies every file before it is used.

    python3 tools/fetch_fashion_mnist.py OUT_DIR      # base URL: $FASHION_MNIST_URL, else DJL's
    python3 tools/fetch_fashion_mnist.py --default-url

tools/prepare_data.sh calls it during set-up, before the course's virtual environment exists:
hence the standard library only. A file gets its final name only once it has been verified, so a failed
or interrupted download leaves nothing that looks usable. Files already in OUT_DIR that pass the
check are kept, so running it again downloads only the files that are missing.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import urllib.error
import urllib.request
import zlib
from pathlib import Path

# DJL 0.36's FashionMnist reads <BasicDatasets.DJL_REPO_URL = https://mlrepo.djl.ai/> +
# dataset/cv/ai/djl/basicdataset/fashmnist/metadata.json, whose items are 1.0/<name>.gz
# (DJL's copy of that metadata: basicdataset/src/test/resources/mlrepo/dataset/cv/ai/djl/
# basicdataset/fashmnist/metadata.json).
DJL_URL = "https://mlrepo.djl.ai/dataset/cv/ai/djl/basicdataset/fashmnist/1.0/"

# name -> (sha1 of the .gz file, as DJL's metadata pins it and DJL checks it;
#          sha256 of the unpacked IDX file, i.e. Zalando's published data).
# A file passes if either one matches. Why two: DJL recompressed the files, so its .gz differ
# from Zalando's. Debian's .gz are Zalando's with only the gzip header rewritten: with the
# original header put back they match the MD5s in Zalando's README, which ties the
# unpacked sha256 (taken from Debian's files) to Zalando's published data.
# A mirror of either DJL's files or Zalando's passes the check.
CHECKSUMS = {
    "train-images-idx3-ubyte": ("c344e7bef3f82656d067053a4fa7620f08d3b429",
                                "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    "train-labels-idx1-ubyte": ("aa91399451258c96d2c458acbb3528061b6be41d",
                                "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    "t10k-images-idx3-ubyte": ("b597952fd9c9385de6703d98a94cea0771f31f3c",
                               "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    "t10k-labels-idx1-ubyte": ("2cf4b1366b92ba8ae4faa1f9d34d3e1ecacdb498",
                               "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
}

HELP = """\
Fashion-MNIST could not be downloaded. Either fix the cause above and run `make setup` again
(files that already arrived and passed the check are kept), or download the four files
{names}
yourself (for example from https://github.com/zalandoresearch/fashion-mnist, folder data/fashion),
put them in one folder and run:  FASHION_MNIST_SRC=<that folder> make setup
(A mirror of these files can be used with FASHION_MNIST_URL=<its base URL> make setup.)"""


class DownloadError(Exception):
    pass


def hashes(path: Path) -> tuple[str, str]:
    """The sha1 of the file and the sha256 of its unpacked contents (or why it cannot be unpacked)."""
    sha1 = hashlib.sha1(path.read_bytes()).hexdigest()
    unpacked = hashlib.sha256()
    try:
        with gzip.open(path) as f:
            while chunk := f.read(1 << 20):
                unpacked.update(chunk)
    except (OSError, EOFError, zlib.error) as e:  # not gzip, cut short, damaged
        return sha1, f"(cannot be unpacked: {str(e) or type(e).__name__})"
    return sha1, unpacked.hexdigest()


def mismatch(path: Path, name: str) -> str | None:
    """None if the file is the expected one, otherwise an explanation naming both sets of hashes."""
    want_sha1, want_sha256 = CHECKSUMS[name]
    sha1, sha256 = hashes(path)
    if sha1 == want_sha1 or sha256 == want_sha256:
        return None
    return (f"{name}.gz is not the expected file (checksum mismatch).\n"
            f"  expected: sha1 {want_sha1} (DJL's file) or unpacked sha256 {want_sha256}\n"
            f"  got:      sha1 {sha1}, unpacked sha256 {sha256}")


def download(url: str, part: Path) -> int:
    """Writes url's body to part and returns the number of bytes written."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(part, "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
    except urllib.error.HTTPError as e:
        raise DownloadError(f"could not download {url}: the server answered {e.code} {e.reason}") from e
    except urllib.error.URLError as e:
        why = str(e.reason)
        if "CERTIFICATE_VERIFY_FAILED" in why:  # python.org's Python on macOS ships without CA certificates
            why += " (on macOS run 'Install Certificates.command' from your Python's Applications folder)"
        raise DownloadError(f"could not download {url}: {why}") from e
    except OSError as e:  # connection reset, timeout, disk full
        raise DownloadError(f"could not download {url}: {e}") from e
    return part.stat().st_size


def fetch(out: Path, base_url: str) -> None:
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    out.mkdir(parents=True, exist_ok=True)
    print(f"Fashion-MNIST: 4 files (about 30 MB) from {base_url}\n  into {out.resolve()}")
    for name in CHECKSUMS:
        target, part = out / f"{name}.gz", out / f"{name}.gz.part"
        if target.exists():
            if mismatch(target, name) is None:
                print(f"  {target.name:28} already here, checksum ok")
                continue
            target.unlink()  # damaged since it was verified: fetch it again
        print(f"  {target.name:28} ", end="", flush=True)
        try:
            size = download(base_url + target.name, part)
            print(f"{size / 1e6:5.1f} MB  " if size >= 1e5 else f"{size / 1e3:5.0f} kB  ", end="", flush=True)
            if problem := mismatch(part, name):
                raise DownloadError(f"{problem}\n  downloaded from {base_url + target.name}")
            os.replace(part, target)  # only a verified file gets the name the set-up looks for
            print("checksum ok")
        except BaseException:
            print("FAILED", flush=True)
            raise
        finally:
            part.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    if argv[1:] == ["--default-url"]:
        print(DJL_URL)
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        fetch(Path(argv[1]), os.environ.get("FASHION_MNIST_URL") or DJL_URL)
    except DownloadError as e:
        print(f"ERROR: {e}", file=sys.stderr)
        print(HELP.format(names=", ".join(f"{n}.gz" for n in CHECKSUMS)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
