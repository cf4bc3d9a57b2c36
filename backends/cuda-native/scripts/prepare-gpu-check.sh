#!/usr/bin/env bash
# Puts together backends/cuda-native/gpu-check/ (gitignored), everything gpu-check.sh needs on a
# GPU machine without Node or network: node.xz (this machine's node, xz-compressed), and app/ with
# node_modules/@strata/{core,conformance,backend-cuda} (package.json + dist, the addon) and the
# benchmark scripts. Builds what is missing first. Carry the folder with the device run.
set -euo pipefail
pkg=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$pkg/../.." && pwd)
bundle=$pkg/gpu-check
addon=$pkg/prebuilds/linux-x64/strata_cuda.node

if [ ! -f "$addon" ] || [ -n "$(find "$pkg/csrc" "$pkg/binding.gyp" -newer "$addon" -print -quit)" ]; then
  bash "$pkg/scripts/build-addon.sh"
fi
for dir in packages/core conformance backends/cuda-native; do (cd "$root/$dir" && npx tsc -b); done

rm -rf "$bundle/app"
modules=$bundle/app/node_modules/@strata
mkdir -p "$modules/core" "$modules/conformance" "$modules/backend-cuda/prebuilds/linux-x64" "$bundle/app/gpu"
cp -r "$root/packages/core/package.json" "$root/packages/core/dist" "$modules/core/"
cp -r "$root/conformance/package.json" "$root/conformance/bin" "$root/conformance/dist" "$modules/conformance/"
cp -r "$pkg/package.json" "$pkg/dist" "$modules/backend-cuda/"
cp "$addon" "$modules/backend-cuda/prebuilds/linux-x64/"
cp "$pkg/scripts/gpu/"* "$bundle/app/gpu/"
# Its own package scope: without it, '@strata/backend-cuda' imported from app/gpu would resolve to
# this package itself (self-reference through the enclosing package.json) and its repository copy
# of @strata/core, not to app/node_modules.
echo '{ "name": "strata-gpu-check", "private": true, "type": "module" }' > "$bundle/app/package.json"
find "$bundle/app" -name '*.map' -delete

node_bin=$(command -v node)
stamp="$($node_bin --version) $(stat -c %s "$node_bin")"
if [ ! -f "$bundle/node.xz" ] || [ "$(cat "$bundle/node.version" 2>/dev/null)" != "$stamp" ]; then
  echo "prepare-gpu-check: compressing $node_bin ($stamp) with xz -9 (a minute or two)" >&2
  xz -9 -T2 -c "$node_bin" > "$bundle/node.xz"
  echo "$stamp" > "$bundle/node.version"
fi
# This machine's C and C++ runtime (the addon needs glibc 2.34 and GLIBCXX_3.4.29), for GPU
# machines with an older system: gpu-check.sh runs node through this ld.so only when the addon
# does not load with the system's libraries.
libs=$(mktemp -d)
for lib in $( (ldd "$node_bin"; ldd "$addon") | awk '/=>/ {print $3} /ld-linux/ {print $1}' | sort -u); do cp -L "$lib" "$libs/"; done
tar -cJf "$bundle/runtime-libs.tar.xz" -C "$libs" .
rm -rf "$libs"
echo "prepare-gpu-check: $(du -sh "$bundle" | cut -f1) in $bundle; carry backends/cuda-native/gpu-check and run backends/cuda-native/scripts/gpu-check.sh" >&2
