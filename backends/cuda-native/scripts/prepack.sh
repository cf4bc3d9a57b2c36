#!/usr/bin/env bash
# npm pack/publish hook: the tarball ships a fresh build of the committed csrc/ where nvcc exists.
# Without nvcc it packs what is there and says so (a tarball without the addon still installs
# and imports; the backend then reports itself unavailable).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x "${CUDA_HOME:-/usr/local/cuda}/bin/nvcc" ] || command -v nvcc >/dev/null 2>&1; then
  bash scripts/build-addon.sh
elif [ -f prebuilds/linux-x64/strata_cuda.node ]; then
  echo "prepack: no nvcc here; packing the existing prebuilds/linux-x64/strata_cuda.node" >&2
else
  echo "prepack: WARNING: no nvcc and no prebuilds/linux-x64/strata_cuda.node: the tarball has no addon" >&2
fi
npx tsc -b
