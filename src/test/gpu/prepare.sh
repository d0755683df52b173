#!/usr/bin/env bash
# Prepares .gpu/ for src/test/gpu/check.sh, on the CPU machine in the project root:
#   src/test/gpu/prepare.sh [libdjl_torch.so]
# Runs ../shared/gpu/prepare.sh (jar, Java runtime, JNI sources), adds the UniFormer parity fixtures, and, when given a
# DJL JNI library that an earlier check.sh built on the GPU machine (it returns one in $OUT), puts it where
# on-device.sh looks first, which saves building it there again.
set -euo pipefail
root=$(pwd); shared=${MEDVP_SHARED:-$root/../shared}
"$shared/gpu/prepare.sh" "$root"
mkdir -p "$root/.gpu/parity"
for f in uniformer-tiny-c1 uniformer-tiny-c4; do
  cp -r "$shared/parity/$f" "$root/.gpu/parity/"
done
if [ $# -gt 0 ]; then
  jni="$root/.gpu/djl-cache/pytorch/2.7.1-cu128-linux-x86_64/0.35.1-libdjl_torch.so"
  mkdir -p "$(dirname "$jni")"; cp "$1" "$jni"
fi
chmod -R u+w "$root/.gpu"; du -sh "$root/.gpu"
