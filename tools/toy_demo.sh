#!/usr/bin/env bash
# `make demo`: the whole Propose-Reduce loop on the CPU, in minutes, on the
# synthetic toy set: write the data, train the demo's toy Seq Mask R-CNN,
# score it (YouTube-VIS AP/AR on the toy valid split) and render one valid
# video with its predicted instance sequences, and say which of its objects
# they follow. Everything goes under OUT.
# A second run reuses the data, the finished checkpoint and its scores, and
# only renders again (seconds); RETRAIN=1 trains and tests again.
#   OUT      output folder (default work_dirs/demo)
#   VENV     environment made by `make setup` (default .venv)
#   CONFIG   toy config (default the demo's toy YouTube-VIS config)
#   RETRAIN  1: train and test again even if OUT holds a finished run
#   AMP      auto (default): train in bf16 mixed precision (tools/train.py
#            --amp) where the CPU has native bf16 (AVX-512 bf16 or AMX),
#            else fp32; 1: always (slow where bf16 is emulated); 0: never
#   PRESET   toy set size (make_toy_vis.py --preset): small (default) or
#            tiny (a few short videos: a quick check of the steps, not a
#            model worth looking at)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-work_dirs/demo}
VENV=${VENV:-.venv}
CONFIG=${CONFIG:-configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-pairdet-1000i_toy-vis.py}
RETRAIN=${RETRAIN:-0}
AMP=${AMP:-auto}
PRESET=${PRESET:-small}
PY="$VENV/bin/python"
export MMPR_TOY_DATA="$OUT/data"  # read by the toy configs

say() { printf '\n[mmpr demo] %s\n' "$*"; }
[ -x "$PY" ] || { echo "[mmpr demo] error: no $PY; run 'make setup' first" >&2
  exit 1; }
[ -f "$CONFIG" ] || { echo "[mmpr demo] error: no config $CONFIG" >&2; exit 1; }
case "$AMP" in auto | 0 | 1) ;; *)
  echo "[mmpr demo] error: AMP=$AMP; use AMP=auto, 1 or 0" >&2; exit 1 ;;
esac
case "$PRESET" in small | tiny) ;; *)
  echo "[mmpr demo] error: PRESET=$PRESET; use PRESET=small or tiny" >&2
  exit 1 ;;
esac
start=$(date +%s)

# stamps: written last, so an interrupted step is redone on the next run
data_stamp="$MMPR_TOY_DATA/.mmpr_toy_$PRESET"
train_dir="$OUT/train"
train_stamp="$train_dir/.mmpr_finished"
test_dir="$OUT/test"
test_stamp="$test_dir/.mmpr_finished"
if [ "$RETRAIN" = 1 ]; then rm -f "$train_stamp" "$test_stamp"; fi
# a finished run of another config or toy set is not reused
run="$CONFIG on the $PRESET toy set"
if [ -f "$train_stamp" ] && [ "$(cat "$train_stamp")" != "$run" ]; then
  rm -f "$train_stamp" "$test_stamp"
fi

if [ -f "$data_stamp" ]; then
  say "1/4 reusing the toy data set in $MMPR_TOY_DATA"
else
  say "1/4 writing the $PRESET toy data set to $MMPR_TOY_DATA"
  rm -f "$MMPR_TOY_DATA"/.mmpr_toy_*
  "$PY" tools/dataset_converters/make_toy_vis.py "$MMPR_TOY_DATA" \
    --preset "$PRESET" --no-davis
  "$PY" tools/dataset_converters/youtubevis2coco.py \
    -i "$MMPR_TOY_DATA/youtube_vis_2019" --version 2019
  touch "$data_stamp"
fi

if [ -f "$train_stamp" ]; then
  checkpoint=$(cat "$train_dir/last_checkpoint")
  say "2/4 reusing the trained model $checkpoint (RETRAIN=1 make demo: \
train again)"
else
  rm -f "$test_stamp"
  amp=()
  if [ "$AMP" = 1 ] || { [ "$AMP" = auto ] &&
      grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo 2>/dev/null; }; then
    amp=(--amp)
  fi
  say "2/4 training $CONFIG on the CPU${amp:+ in bf16 mixed precision} \
(progress below; about 7 min on 2 cores)"
  "$PY" tools/train.py "$CONFIG" --work-dir "$train_dir" "${amp[@]}"
  checkpoint=$(cat "$train_dir/last_checkpoint")
  echo "$run" > "$train_stamp"
fi

if [ -f "$test_stamp" ]; then
  say "3/4 the scores of $checkpoint on the toy valid split (from \
$test_dir/$(cat "$test_stamp"))"
  cat "$test_dir/$(cat "$test_stamp")"
  echo
else
  say "3/4 testing $checkpoint on the toy valid split"
  "$PY" tools/test.py "$CONFIG" "$checkpoint" --work-dir "$test_dir" \
    --out "$test_dir/results.json"
  # mmengine's metrics of the newest test run: <timestamp>/<timestamp>.json
  latest=$(ls -d "$test_dir"/2*/ | tail -n 1)
  name=$(basename "$latest")
  echo "$name/$name.json" > "$test_stamp"
fi

video_dir="$MMPR_TOY_DATA/youtube_vis_2019/valid/JPEGImages"
video=$(ls "$video_dir" | head -n 1)
say "4/4 rendering the valid video $video"
# the toy model's sequence scores are low (a weak classifier, see
# docs/changelog.md, the demo recipe): draw those of 0.1 or more
"$PY" tools/demo.py "$video_dir/$video" "$CONFIG" --checkpoint "$checkpoint" \
  --out "$OUT/demo.mp4" --out-json "$OUT/demo.json" --score-thr 0.1
say "the objects of $video the sequences drawn follow (the test run's \
sequences of it against its ground truth)"
"$PY" tools/analysis_tools/objects_followed.py "$test_dir/results.json" \
  "$MMPR_TOY_DATA/youtube_vis_2019/valid.json" --videos "$video" \
  --score-thr 0.1

say "done in $(( $(date +%s) - start )) s"
say "AP/AR: above (3/4); results: $test_dir/results.json and \
$test_dir/results.submission_file.zip"
say "video with the predicted instance sequences: $OUT/demo.mp4"
