#!/usr/bin/env bash
# Builds the addon with node-gyp (offline: Node's own headers from the running node's prefix) and
# copies it to prebuilds/linux-x64/strata_cuda.node, the file the package loads and ships.
# Needs nvcc (CUDA_HOME, default /usr/local/cuda). Jobs: STRATA_BUILD_JOBS (default: all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
cuda_home=${CUDA_HOME:-/usr/local/cuda}
if [ ! -x "$cuda_home/bin/nvcc" ]; then
  echo "build-addon: no nvcc at $cuda_home/bin/nvcc (set CUDA_HOME)" >&2
  exit 1
fi
export CUDA_HOME=$cuda_home
node_prefix=$(dirname "$(dirname "$(command -v node)")")
nodedir_args=()
if [ -f "$node_prefix/include/node/node_api.h" ]; then nodedir_args=(--nodedir="$node_prefix"); fi
# node-gyp: the one npm runs scripts with, else the repository's, else npm's own copy.
gyp=${npm_config_node_gyp:-}
if [ -z "$gyp" ]; then gyp=$(node -p "require.resolve('node-gyp/bin/node-gyp.js')" 2>/dev/null || true); fi
if [ -z "$gyp" ]; then gyp="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"; fi
jobs=${STRATA_BUILD_JOBS:-$(nproc)}
start=$(date +%s)
node "$gyp" rebuild "${nodedir_args[@]}" -j "$jobs" >&2
mkdir -p prebuilds/linux-x64
cp build/Release/strata_cuda.node prebuilds/linux-x64/strata_cuda.node
echo "build-addon: prebuilds/linux-x64/strata_cuda.node in $(( $(date +%s) - start )) s" >&2
