#!/usr/bin/env bash
# The GPU check, one command on a GPU machine with no Node and no network:
#   backends/cuda-native/scripts/gpu-check.sh
# Needs backends/cuda-native/gpu-check/ from scripts/prepare-gpu-check.sh (run it where Node and
# nvcc are, then carry the folder). Runs the full conformance suite on 'cuda', then Strata's and
# PyTorch's benchmarks on the same GPU, then prints one table (also in $OUT/gpu-check/report.md
# when $OUT is set). Exit status: 0 all goals met; 1 a correctness failure; 2 no GPU here;
# 3 the bundle is missing; 4 correct but below a speed goal. A missing PyTorch side
# counts as a failure (no comparison).
# GPU_CHECK_SKIP=conformance,bench skips parts; GPU_CHECK_CONFORMANCE_TIMEOUT and
# GPU_CHECK_BENCH_TIMEOUT (seconds, default 240 each) bound the steps (status 124 when hit).
# Node is always the bundled one; where the system's C/C++ runtime is too old for the addon, it
# runs on the bundled one (runtime-libs.tar.xz).
set -uo pipefail
pkg=$(cd "$(dirname "$0")/.." && pwd)
bundle=$pkg/gpu-check
app=$bundle/app
results=${OUT:-$(mktemp -d)}/gpu-check
skip=${GPU_CHECK_SKIP:-}
say() { echo "gpu-check: $*"; }

# 1. A GPU, or a clear statement that there is none.
if command -v nvidia-smi >/dev/null 2>&1 && gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1) && [ -n "$gpu" ]; then
  say "GPU: $gpu"
elif [ -e /dev/nvidia0 ]; then
  say "GPU: /dev/nvidia0 present (no nvidia-smi)"
else
  reason=$(command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>&1 | head -1 || echo "nvidia-smi not found")
  say "no NVIDIA GPU on this machine ($reason; no /dev/nvidia0): nothing to check. Run it on the GPU machine."
  exit 2
fi

# 2. The bundle and a node to run it.
if [ ! -d "$app/node_modules/@strata/backend-cuda" ]; then
  say "$app is missing: run backends/cuda-native/scripts/prepare-gpu-check.sh where Node and nvcc are, and carry backends/cuda-native/gpu-check"
  exit 3
fi
# cuBLAS: the system's, or the one PyTorch's pip wheels bring (nvidia/cublas/lib).
if [ -z "${STRATA_CUBLAS_PATH:-}" ]; then
  found=$(python3 - <<'PY' 2>/dev/null
import glob, os, site, sys
dirs = list(site.getsitepackages()) + [site.getusersitepackages()] + sys.path
for d in dirs:
    for pattern in ("nvidia/cublas/lib/libcublas.so.*", "nvidia/cu13/lib/libcublas.so.*", "torch/lib/libcublas.so.*"):
        hits = sorted(h for h in glob.glob(os.path.join(d, pattern)) if "Lt" not in os.path.basename(h))
        if hits:
            print(hits[-1]); sys.exit(0)
PY
)
  if [ -z "$found" ]; then found=$(ldconfig -p 2>/dev/null | awk '/libcublas\.so\.1[0-9] /{print $NF; exit}'); fi
  if [ -n "$found" ]; then export STRATA_CUBLAS_PATH=$found; fi
fi
say "cuBLAS: ${STRATA_CUBLAS_PATH:-none found (the hand-written SGEMM will run matMul)}"
# Its directory also holds libcublasLt, which libcublas loads.
if [ -n "${STRATA_CUBLAS_PATH:-}" ]; then export LD_LIBRARY_PATH="$(dirname "$STRATA_CUBLAS_PATH")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; fi

# Always the bundled node (the one the bundle was tested with), unpacked to a temporary folder.
work=$(mktemp -d)
xz -dc "$bundle/node.xz" > "$work/node" && chmod +x "$work/node" || { say "could not unpack $bundle/node.xz"; exit 3; }
node_cmd=("$work/node")
addon=$app/node_modules/@strata/backend-cuda/prebuilds/linux-x64/strata_cuda.node
# An older system C/C++ runtime cannot load the addon (glibc 2.34, GLIBCXX_3.4.29): then run node
# through the bundled ld.so and libraries, with the system's library path after them (libcuda).
if [ "${GPU_CHECK_BUNDLED_LIBC:-0}" = 1 ] || ! load_error=$("${node_cmd[@]}" -e "require('$addon')" 2>&1); then
  [ -n "${load_error:-}" ] && say "the addon does not load with this system's libraries: $(echo "$load_error" | grep -m1 -i 'error' || echo "$load_error" | head -1)"
  mkdir -p "$work/lib" && tar -xJf "$bundle/runtime-libs.tar.xz" -C "$work/lib" || { say "could not unpack $bundle/runtime-libs.tar.xz"; exit 3; }
  node_cmd=("$work/lib/ld-linux-x86-64.so.2" --library-path "$work/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$work/node")
  say "running node with the bundled C/C++ runtime"
fi
say "node $("${node_cmd[@]}" --version)"
mkdir -p "$results"

cd "$app"
# 3. The full conformance suite on cuda.
if [[ ",$skip," != *",conformance,"* ]]; then
  say "conformance suite on cuda ($(date -u +%T))"
  timeout "${GPU_CHECK_CONFORMANCE_TIMEOUT:-240}" "${node_cmd[@]}" node_modules/@strata/conformance/bin/strata-conformance.js node_modules/@strata/backend-cuda \
    --json "$results/conformance.json" --markdown "$results/conformance.md" --quiet
  say "conformance exit status $? ($(date -u +%T))"
fi

# 4. Benchmarks: Strata, then PyTorch, on the same GPU.
if [[ ",$skip," != *",bench,"* ]]; then
  say "strata benchmarks ($(date -u +%T))"
  timeout "${GPU_CHECK_BENCH_TIMEOUT:-240}" "${node_cmd[@]}" gpu/bench-strata.mjs gpu/spec.json "$results/strata.json" || say "strata benchmarks failed (status $?)"
  if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    say "pytorch benchmarks ($(date -u +%T))"
    timeout "${GPU_CHECK_BENCH_TIMEOUT:-240}" python3 gpu/bench-torch.py gpu/spec.json "$results/torch.json" || say "pytorch benchmarks failed (status $?)"
  else
    say "python3 with a CUDA-enabled torch is missing: no PyTorch comparison"
  fi
fi

"${node_cmd[@]}" gpu/report.mjs "$results"
