#!/usr/bin/env bash
# Re-creates data/genesis-kjv.txt (committed): the Book of Genesis, King James Version (1611,
# public domain), from Debian's `bible-kjv` + `bible-kjv-text` (the `bible` program decodes the
# packaged text). One verse per line; verse numbers and chapter headings removed.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v bible >/dev/null || { echo "needs Debian's bible-kjv: apt-get install bible-kjv" >&2; exit 1; }
bible -l 100000 gen1:1-gen50:26 | sed -n 's/^ *[0-9][0-9]* //p' > data/genesis-kjv.txt
wc -lc data/genesis-kjv.txt
