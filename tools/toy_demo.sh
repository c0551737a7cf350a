#!/usr/bin/env bash
# `make demo`: the whole Propose-Reduce loop on the CPU, in minutes, on the
# synthetic toy set: write the data, train the toy Seq Mask R-CNN, score it
# (YouTube-VIS AP/AR) and render one valid video with its predicted instance
# sequences. Everything goes under OUT.
#   OUT     output folder (default work_dirs/demo)
#   VENV    environment made by `make setup` (default .venv)
#   CONFIG  toy config (default the toy YouTube-VIS config)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-work_dirs/demo}
VENV=${VENV:-.venv}
CONFIG=${CONFIG:-configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py}
PY="$VENV/bin/python"
export MMPR_TOY_DATA="$OUT/data"  # read by the toy configs

say() { printf '\n[mmpr demo] %s\n' "$*"; }
[ -x "$PY" ] || { echo "[mmpr demo] error: no $PY; run 'make setup' first" >&2
  exit 1; }
[ -f "$CONFIG" ] || { echo "[mmpr demo] error: no config $CONFIG" >&2; exit 1; }
start=$(date +%s)

say "1/4 writing the toy data set to $MMPR_TOY_DATA"
"$PY" tools/dataset_converters/make_toy_vis.py "$MMPR_TOY_DATA" --preset small
"$PY" tools/dataset_converters/youtubevis2coco.py \
  -i "$MMPR_TOY_DATA/youtube_vis_2019" --version 2019

say "2/4 training $CONFIG on the CPU (progress below; ~12 min on 2 cores)"
"$PY" tools/train.py "$CONFIG" --work-dir "$OUT/train"
checkpoint=$(cat "$OUT/train/last_checkpoint")

say "3/4 testing $checkpoint on the toy valid split"
"$PY" tools/test.py "$CONFIG" "$checkpoint" --work-dir "$OUT/test" \
  --out "$OUT/test/results.json"

video_dir="$MMPR_TOY_DATA/youtube_vis_2019/valid/JPEGImages"
video=$(ls "$video_dir" | head -n 1)
say "4/4 rendering the valid video $video"
"$PY" tools/demo.py "$video_dir/$video" "$CONFIG" --checkpoint "$checkpoint" \
  --out "$OUT/demo.mp4" --out-json "$OUT/demo.json"

say "done in $(( $(date +%s) - start )) s"
say "AP/AR: above (3/4); results: $OUT/test/results.json and \
$OUT/test/results.submission_file.zip"
say "video with the predicted instance sequences: $OUT/demo.mp4"
