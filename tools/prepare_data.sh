#!/usr/bin/env bash
# Fashion-MNIST from Debian's `dataset-fashion-mnist`, laid out as a local DJL repository
# under data/fashion-mnist so that DJL's own FashionMnist class loads it offline:
#   data/fashion-mnist/dataset/cv/ai/djl/basicdataset/fashmnist/metadata.json
#   data/fashion-mnist/dataset/cv/ai/djl/basicdataset/fashmnist/1.0/fashmnist/<4 IDX files>
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${FASHION_MNIST_SRC:-/usr/share/datasets/fashion-mnist}
ART=data/fashion-mnist/dataset/cv/ai/djl/basicdataset/fashmnist
FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

if [ ! -f "$SRC/train-images-idx3-ubyte.gz" ]; then
  echo "Fashion-MNIST is not installed ($SRC is missing); installing Debian's dataset-fashion-mnist"
  if command -v apt-get >/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get install -y -q dataset-fashion-mnist >/dev/null || {
      $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q dataset-fashion-mnist >/dev/null; } ||
      { echo "ERROR: could not install it. Run: sudo apt-get install dataset-fashion-mnist" >&2; exit 1; }
  else
    echo "ERROR: no apt-get here. Install Debian/Ubuntu's 'dataset-fashion-mnist', or put the four" \
         "*-ubyte.gz files of Fashion-MNIST in a folder and run: FASHION_MNIST_SRC=<folder> make setup" >&2
    exit 1
  fi
fi

mkdir -p "$ART/1.0/fashmnist"
for f in "${FILES[@]}"; do
  out="$ART/1.0/fashmnist/$f"
  [ -s "$out" ] && [ "$out" -nt "$SRC/$f.gz" ] || gunzip -c "$SRC/$f.gz" > "$out"
done
cat > "$ART/metadata.json" <<'JSON'
{
  "metadataVersion": "0.2",
  "resourceType": "dataset",
  "application": "cv/image_classification",
  "groupId": "ai.djl.basicdataset",
  "artifactId": "fashmnist",
  "name": "fashmnist",
  "description": "Fashion-MNIST (Zalando, MIT licence) from Debian's dataset-fashion-mnist",
  "artifacts": [
    {
      "version": "1.0",
      "snapshot": false,
      "name": "fashmnist",
      "files": {
        "train_data": {"uri": "train-images-idx3-ubyte"},
        "train_labels": {"uri": "train-labels-idx1-ubyte"},
        "test_data": {"uri": "t10k-images-idx3-ubyte"},
        "test_labels": {"uri": "t10k-labels-idx1-ubyte"}
      }
    }
  ]
}
JSON
echo "Fashion-MNIST: $(du -sh data/fashion-mnist | cut -f1) in data/fashion-mnist (DJL local repository)"
