#!/usr/bin/env bash
# Rebuilds both modules from csrc/*.c with clang + lld (Debian packages `clang` and `lld`):
#   wasm/strata.wasm          single-threaded, owns its memory
#   wasm/strata-threads.wasm  the same sources with atomics, importing one shared memory that
#                             every worker's instance of it uses (see src/pool.ts)
# The output is deterministic: a fixed, sorted list of sources, no debug info, and the
# producers/name custom sections stripped, so CI can compare a fresh build with the committed files.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG="${CLANG:-clang}"
if ! command -v "$CLANG" >/dev/null; then
  echo "build-wasm: clang not found (apt-get install clang lld)" >&2
  exit 1
fi
# OUT and OUT_THREADS let a test build elsewhere and compare with the committed files.
OUT="${OUT:-wasm/strata.wasm}"
OUT_THREADS="${OUT_THREADS:-wasm/strata-threads.wasm}"
sources=$(LC_ALL=C ls csrc/*.c | sort)
common=(--target=wasm32 -msimd128 -mbulk-memory -mnontrapping-fptoint -O3 -nostdlib
  -ffreestanding -Wall -Wextra -Werror
  -Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-all
  -Wl,-z,stack-size=1048576 -Wl,--max-memory=4294967296)

build() { # build OUTPUT EXTRA_FLAGS...
  local out="$1"
  shift
  mkdir -p "$(dirname "$out")"
  # shellcheck disable=SC2086
  "$CLANG" "${common[@]}" "$@" -o "$out.tmp" $sources
  chmod 644 "$out.tmp" # a stable git file mode, so CI's diff sees only content
  mv "$out.tmp" "$out"
  echo "build-wasm: $out $(wc -c < "$out") bytes"
}

build "$OUT"
# Threads: shared imported memory of a fixed initial size (src/pool.ts creates it with
# THREADS_INITIAL_PAGES pages), and __stack_pointer exported so each worker's instance can be
# given its own stack (every instance starts with the same stack pointer). No _Thread_local
# data is used, so there is no TLS block to set up.
build "$OUT_THREADS" -matomics -mmutable-globals -Wl,--shared-memory -Wl,--import-memory \
  -Wl,--initial-memory=4194304 -Wl,--export=__stack_pointer
