#!/usr/bin/env bash
# The GPU check of MedVP, one call on the device machine (docs/performance.md has its figures). Prepare on the CPU
# machine with src/test/gpu/prepare.sh, then run from the project root there with .gpu carried:
#   src/test/gpu/check.sh bench                 benchmarks, operator profile, parity, CPU-GPU loss agreement
#   src/test/gpu/check.sh demo KEY=VALUE...     the demo on the GPU with these settings
#   src/test/gpu/check.sh all KEY=VALUE...      both; the demo gets what is left of DEADLINE_S (default 570 s)
# Everything goes to $OUT: log.txt (all output, step markers), smi.csv (device memory every 100 ms), results.tgz
# (run folders' metrics and configs, profiles' summaries) and the DJL JNI library built there (reused by the next
# machine when put back under .gpu/djl-cache).
set -u
start=$(date +%s); deadline=$((start + ${DEADLINE_S:-570}))
OUT=${OUT:-/tmp/medvp-gpu-out}; mkdir -p "$OUT"
root=$(pwd); here="$root/src/test/gpu"; work=/tmp/medvp-gpu; mkdir -p "$work"
log="$OUT/log.txt"
mark() { echo "=== $(date '+%Y/%m/%d %H:%M:%S.%3N') $*" | tee -a "$log"; }
medvp() { # LIMIT_S ARGS...: one MedVP command, its output logged, never longer than LIMIT_S
  local limit=$1; shift; mark "medvp $*"
  (cd "$work" && timeout "$limit" "$root/.gpu/on-device.sh" "$@") 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}; mark "rc=$rc"; return "$rc"
}
nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu --format=csv,noheader,nounits -lms 100 \
  > "$OUT/smi.csv" 2>/dev/null &
smi=$!
trap 'kill $smi 2>/dev/null; tar -czf "$OUT/results.tgz" -C "$work" --exclude="*.safetensors" --exclude="*.nii.gz" \
  --exclude="*.pt" --exclude="*-profile.json" --exclude=data --exclude=cache . 2>/dev/null' EXIT
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv | tee -a "$log"

medvp 300 system-info
so=$(ls "$root"/.gpu/djl-cache/pytorch/*/*libdjl_torch.so 2>/dev/null | head -1)
[ -n "$so" ] && cp "$so" "$OUT/libdjl_torch.so"

mode=${1:-bench}; shift || true
if [ "$mode" = bench ] || [ "$mode" = all ]; then
  # 1. The BrainMVP pre-training step (its last step profiled), then without cuDNN's autotuner (MedVP turns it on).
  medvp 150 bench suite=pretrain preset=small batch=3 device=gpu repeats=5 profile="$work/pretrain-profile.json" \
    && python3 "$here/profile_summary.py" "$work/pretrain-profile.json" 30 | tee -a "$log"
  MEDVP_JAVA_OPTS=-Dai.djl.pytorch.cudnn_benchmark=false medvp 150 bench suite=pretrain preset=small batch=3 \
    device=gpu repeats=5
  # 2. Whole-study segmentation (48 windows of 96^3) and the fine-tuning step; MG-3D with Swin-B and BERT-base.
  medvp 180 bench suite=segment preset=small device=gpu repeats=2
  medvp 150 bench suite=mg3d preset=b batch=4 device=gpu repeats=3 profile="$work/mg3d-profile.json" \
    && python3 "$here/profile_summary.py" "$work/mg3d-profile.json" 20 | tee -a "$log"
  # 3. Correctness: reference features on the GPU (as PyTorch runs it, and with TF32 off), and the same runs'
  # losses on the CPU and the GPU.
  for f in uniformer-tiny-c1 uniformer-tiny-c4; do
    medvp 90 features model="$root/.gpu/parity/$f/weights.pt" input="$root/.gpu/parity/$f/input.safetensors" \
      output="$work/$f-gpu.safetensors" device=gpu \
      && python3 "$here/compare.py" features "$work/$f-gpu.safetensors" "$root/.gpu/parity/$f/expected.safetensors" \
      | tee -a "$log"
  done
  f=uniformer-tiny-c4; mark "NVIDIA_TF32_OVERRIDE=0"
  NVIDIA_TF32_OVERRIDE=0 medvp 90 features model="$root/.gpu/parity/$f/weights.pt" \
    input="$root/.gpu/parity/$f/input.safetensors" output="$work/$f-gpu-fp32.safetensors" device=gpu \
    && python3 "$here/compare.py" features "$work/$f-gpu-fp32.safetensors" \
    "$root/.gpu/parity/$f/expected.safetensors" | tee -a "$log"
  medvp 60 demo-data output=data studies=6 seed=7 ct=true
  for d in cpu gpu; do
    medvp 120 brainmvp-pretrain data=data/manifest.json output=bmvp-$d preset=tiny epochs=6 crop=32 grid=80,80,72 \
      warmup_epochs=2 contrastive_epoch=4 log_every=1 seed=46 batch=2 accumulation=1 device=$d
  done
  python3 "$here/compare.py" metrics "$work/bmvp-cpu/metrics.csv" "$work/bmvp-gpu/metrics.csv" | tee -a "$log"
  for d in cpu gpu; do
    medvp 120 finetune-seg data=data/manifest.json output=seg-$d init=bmvp-cpu/checkpoints/last.safetensors \
      preset=tiny epochs=4 crop=32 validate_every=2 log_every=1 seed=42 device=$d
  done
  python3 "$here/compare.py" metrics "$work/seg-cpu/metrics.csv" "$work/seg-gpu/metrics.csv" | tee -a "$log"
  for d in cpu gpu; do
    medvp 120 mg3d-pretrain data=data/ct/reports.csv output=mg3d-$d preset=tiny epochs=2 batch=2 size=64,32,64 \
      warmup=1 log_every=1 seed=0 device=$d
  done
  python3 "$here/compare.py" metrics "$work/mg3d-cpu/metrics.csv" "$work/mg3d-gpu/metrics.csv" | tee -a "$log"
fi
if [ "$mode" = demo ] || [ "$mode" = all ]; then
  left=$((deadline - $(date +%s)))
  mark "demo with ${left} s left"
  medvp "$left" demo output=demo device=gpu "$@"
  cp "$work/demo/report/summary.txt" "$OUT/" 2>/dev/null
fi
mark "end"
kill $smi 2>/dev/null; python3 "$here/memory_peaks.py" "$log" "$OUT/smi.csv" | tee -a "$log"
