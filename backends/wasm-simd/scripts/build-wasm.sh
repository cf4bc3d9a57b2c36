#!/usr/bin/env bash
# Rebuilds wasm/strata.wasm from csrc/*.c with clang + lld (Debian packages `clang` and `lld`).
# The output is deterministic: a fixed, sorted list of sources, no debug info, and the
# producers/name custom sections stripped, so CI can compare a fresh build with the committed file.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG="${CLANG:-clang}"
if ! command -v "$CLANG" >/dev/null; then
  echo "build-wasm: clang not found (apt-get install clang lld)" >&2
  exit 1
fi
# OUT lets a test build elsewhere and compare with the committed file.
OUT="${OUT:-wasm/strata.wasm}"
mkdir -p "$(dirname "$OUT")"
sources=$(LC_ALL=C ls csrc/*.c | sort)
# shellcheck disable=SC2086
"$CLANG" --target=wasm32 -msimd128 -mbulk-memory -mnontrapping-fptoint -O3 -nostdlib \
  -ffreestanding -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-all \
  -Wl,-z,stack-size=1048576 -Wl,--max-memory=4294967296 \
  -o "$OUT.tmp" $sources
chmod 644 "$OUT.tmp" # a stable git file mode, so CI's diff sees only content
mv "$OUT.tmp" "$OUT"
echo "build-wasm: $OUT $(wc -c < "$OUT") bytes"
