#!/usr/bin/env bash
# The GPU checks of mmpr in one short run (a few minutes of GPU time):
# mmcv's CUDA kernels, a few toy training iterations, tools/test.py (fp32 and
# --amp) and both benchmarks with --device cuda, fp32 and mixed precision,
# mmpr against MaskTrack R-CNN. Everything is written to OUT (default
# work_dirs/gpu_check); summary.txt collects the numbers for
# docs/benchmarks.md.
#
#   bash tools/gpu_check.sh                     # in an environment with a
#                                               # CUDA torch and mmcv's ops
#   WHEELS=/path/wheels MMCV_SDIST=/path/mmcv-2.1.0.tar.gz \
#       bash tools/gpu_check.sh                 # offline: install from the
#                                               # wheels, build mmcv here
#
# Offline preparation (on a machine with network, for the GPU machine's
# Python, e.g. 3.12):
#   pip download --python-version 3.12 --only-binary=:all: -d wheels \
#       mmengine==0.10.7 mmdet==3.3.0 pycocotools scipy shapely terminaltables
#   pip download --no-deps --no-binary=:all: -d . mmcv==2.1.0
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-work_dirs/gpu_check}
PY=${PYTHON:-python}
mkdir -p "$OUT"
log() { echo "[gpu_check] $*" | tee -a "$OUT/summary.txt"; }

if ! $PY -c 'import torch, sys; sys.exit(not torch.cuda.is_available())'; then
    echo 'error: no CUDA device visible to torch: run this on a GPU machine' >&2
    exit 1
fi
if [[ -n "${WHEELS:-}" ]]; then
    $PY -m pip install -q --no-index --find-links "$WHEELS" \
        mmengine==0.10.7 mmdet==3.3.0 pycocotools scipy shapely terminaltables
fi
if ! $PY -c 'from mmcv.ops import roi_align' 2>/dev/null; then
    [[ -n "${MMCV_SDIST:-}" ]] || {
        echo 'error: mmcv with ops is missing: set MMCV_SDIST to mmcv-2.1.0.tar.gz' >&2
        exit 1
    }
    start=$(date +%s)
    FORCE_CUDA=1 MMCV_WITH_OPS=1 MAX_JOBS=$(nproc) \
        $PY -m pip install -q --no-build-isolation --no-deps "$MMCV_SDIST"
    log "mmcv built with CUDA ops in $(($(date +%s) - start)) s"
fi
$PY -m pip install -q --no-deps --no-build-isolation -e .
$PY -c 'from mmcv.ops import nms; import torch; b = torch.rand(8, 4).cuda(); b[:, 2:] += 1; nms(b, torch.rand(8).cuda(), 0.5)' \
    || { echo 'error: mmcv CUDA ops do not run' >&2; exit 1; }
log "$($PY -c 'import torch; print("GPU:", torch.cuda.get_device_name(0), "torch", torch.__version__)')"

TOY=$OUT/toy
export MMPR_TOY_DATA=$TOY
$PY tools/dataset_converters/make_toy_vis.py "$TOY" --preset small > /dev/null
$PY tools/dataset_converters/youtubevis2coco.py -i "$TOY/youtube_vis_2019" \
    --version 2019 > /dev/null
CONFIG=configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-300i_toy-vis.py
$PY tools/train.py "$CONFIG" --work-dir "$OUT/train" --cfg-options \
    train_cfg.max_iters=20 default_hooks.checkpoint.interval=20 \
    default_hooks.logger.interval=10 > "$OUT/train.log" 2>&1
log "toy training, 20 iterations: $(grep -o 'time: [0-9.]*' "$OUT/train.log" | tail -1) s/iter"
for amp in '' --amp; do
    $PY tools/test.py "$CONFIG" "$OUT/train/iter_20.pth" --work-dir \
        "$OUT/test$amp" $amp > "$OUT/test$amp.log" 2>&1
    log "tools/test.py $amp: $(grep -o 'inference time per frame.*' "$OUT/test$amp.log" | tail -1)"
done

cd tools/analysis_tools
$PY benchmark_speed.py --device cuda --frames 20 --warmup 1 --amp \
    --json "../../$OUT/speed.json" > "../../$OUT/speed.log" 2>&1
grep -E 'FPS|time per frame' "../../$OUT/speed.log" | tee -a "../../$OUT/summary.txt"
$PY benchmark_memory.py \
    ../../configs/seq_mask_rcnn/seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2019.py \
    --device cuda --frames 25 200 --out-dir "../../$OUT/memory" \
    > "../../$OUT/memory.log" 2>&1
grep -E 'peak' "../../$OUT/memory.log" | tee -a "../../$OUT/summary.txt"
log "done: $OUT/summary.txt"
