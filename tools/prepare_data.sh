#!/usr/bin/env bash
# Fashion-MNIST from Debian's `dataset-fashion-mnist`, described as a local DJL repository so that
# DJL's own FashionMnist class loads it offline:
#   data/fashion-mnist/dataset/cv/ai/djl/basicdataset/fashmnist/metadata.json
# The metadata names the four gzipped IDX files by absolute file: URIs and nothing else is stored
# here. Why absolute: DJL's LocalRepository resolves a *relative* item URI against two different
# folders — prepare() copies it from <artifact>/<uri> into DJL's cache, while reading opens
# <artifact>/<version>/<name>/<uri> — so a relative layout that works with a warm cache fails on a
# machine that never ran DJL (and the other way round). For an absolute URI both steps take DJL's
# one consistent path, the one its downloads use: the first prepare() copies (and gunzips) each file
# into the cache (DJL_CACHE_DIR, default ~/.djl.ai), every read comes from there.
# FashionMnistDataTest.firstLoadOnAMachineThatNeverRanDjl checks it with an empty cache.
# Where the files come from, first match wins:
#   FASHION_MNIST_SRC=<folder>   the four *-ubyte.gz files in that folder;
#   FASHION_MNIST_URL=<base URL> downloaded from there (a mirror; the tests serve them locally);
#   Debian's package             /usr/share/datasets/fashion-mnist, installed with apt where it is missing;
#   no Debian package, and no apt or apt could not install it (macOS, Windows, other Linux, no sudo):
#                                downloaded from DJL's repository.
# Downloads land in data/fashion-mnist/download/ and are verified by tools/fetch_fashion_mnist.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
SRC=${FASHION_MNIST_SRC:-/usr/share/datasets/fashion-mnist}
ART=data/fashion-mnist/dataset/cv/ai/djl/basicdataset/fashmnist
DOWNLOAD=data/fashion-mnist/download
FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

if [ -z "${FASHION_MNIST_SRC:-}" ] && { [ -n "${FASHION_MNIST_URL:-}" ] ||
     { [ ! -f "$SRC/${FILES[0]}.gz" ] && ! command -v apt-get >/dev/null; }; }; then
  [ -n "${FASHION_MNIST_URL:-}" ] ||
    echo "Fashion-MNIST: $SRC is missing and there is no apt-get to install Debian's dataset-fashion-mnist"
  "$PY" tools/fetch_fashion_mnist.py "$DOWNLOAD"
  SRC=$DOWNLOAD
elif [ ! -f "$SRC/${FILES[0]}.gz" ]; then
  if [ -n "${FASHION_MNIST_SRC:-}" ]; then
    echo "ERROR: FASHION_MNIST_SRC=$SRC holds no ${FILES[0]}.gz (it needs the four *-ubyte.gz files)" >&2
    exit 1
  fi
  # A distribution without the package, or no right to install it: DJL's copy, as without apt.
  if ! bash tools/apt-install.sh "Fashion-MNIST ($SRC is missing)" dataset-fashion-mnist; then
    echo "Fashion-MNIST: downloading it from DJL's repository instead (about 30 MB)"
    "$PY" tools/fetch_fashion_mnist.py "$DOWNLOAD"
    SRC=$DOWNLOAD
  fi
fi
for f in "${FILES[@]}"; do
  [ -s "$SRC/$f.gz" ] || { echo "ERROR: $SRC/$f.gz is missing or empty" >&2; exit 1; }
done

rm -rf "$ART/1.0"  # unpacked copies from the earlier relative layout (53 MB), no longer read
mkdir -p "$ART"
"$PY" - "$SRC" "$ART/metadata.json" "${FILES[@]}" <<'PY'
import json, pathlib, sys
src, out, files = pathlib.Path(sys.argv[1]).resolve(), sys.argv[2], sys.argv[3:]
items = dict(zip(["train_data", "train_labels", "test_data", "test_labels"], files))
json.dump({
    "metadataVersion": "0.2", "resourceType": "dataset", "application": "cv/image_classification",
    "groupId": "ai.djl.basicdataset", "artifactId": "fashmnist", "name": "fashmnist",
    "description": f"Fashion-MNIST (Zalando, MIT licence) from {src}",
    "artifacts": [{"version": "1.0", "snapshot": False, "name": "fashmnist", "files": {
        key: {"uri": (src / f"{name}.gz").as_uri(), "name": name} for key, name in items.items()}}],
}, open(out, "w"), indent=2)
PY
echo "Fashion-MNIST: $ART/metadata.json -> $SRC (DJL copies it into its cache on first use)"
