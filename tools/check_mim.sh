#!/usr/bin/env bash
# Check that openmim drives mmpr, the way docs/mim.md tells users to:
#   bash tools/check_mim.sh VENV
# In VENV (created or completed by `make setup VENV=...`; the mmcv build is
# cached after the first time) it installs openmim, runs `mim install -e .`,
# then `mim list`, `mim search`, `mim run` (toy data converters, demo),
# `mim train` (2 iterations of the toy config, then 1 with the pytorch
# launcher on 2 CPU processes) and `mim test` in a scratch folder, and exits
# non-zero on the first failure. 3-4 minutes on 2 CPU cores, plus about one
# for make setup when VENV is new.
#   OPENMIM_SPEC   openmim to install (default openmim==0.3.8; 0.3.9 pulls
#                  openxlab, which downgrades setuptools to 60.2)
#   MMCV_BASE_URL  mim install's mmcv wheel site (default: a missing local
#                  folder, as download.openmmlab.com is not reachable everywhere)
#   WORK           scratch folder (default: a new temporary folder, removed
#                  when every check passes)
set -euo pipefail
VENV=${1:?usage: bash tools/check_mim.sh VENV}
case $VENV in /*) ;; *) VENV=$(pwd)/$VENV ;; esac
KEEP_WORK=${WORK:+1}
WORK=${WORK:-$(mktemp -d /tmp/check_mim.XXXXXX)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
cd "$(dirname "$0")/.."
REPO=$(pwd)
OPENMIM_SPEC=${OPENMIM_SPEC:-openmim==0.3.8}
PKG=$(sed -n "s/^DIST_NAME = '\(.*\)'$/\1/p" setup.py)
CONFIG=seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py
export MMCV_BASE_URL=${MMCV_BASE_URL:-file://$WORK/no-openmmlab-wheels}

START=$SECONDS
STEP=0
SUMMARY=()
say() { printf '[check_mim] %s\n' "$*"; }
fail() {
  say "FAIL: $*"
  say "logs and outputs kept in $WORK"
  exit 1
}
# run NAME CMD...: run CMD (output in $WORK/NN-NAME.log), print PASS/FAIL
run() {
  local name=$1 t0=$SECONDS log
  shift
  STEP=$((STEP + 1))
  log=$(printf '%s/%02d-%s.log' "$WORK" "$STEP" "$name")
  say "[$STEP] $name: $(printf '%s' "$*" | head -n 1)"
  if ! "$@" >"$log" 2>&1; then
    tail -n 30 "$log" | sed 's/^/    | /'
    fail "$name (full log: $log)"
  fi
  SUMMARY+=("$(printf '%-14s PASS %4ss' "$name" $((SECONDS - t0)))")
  say "    PASS ($((SECONDS - t0)) s)"
  LAST_LOG=$log
}
expect() {  # expect PATTERN: the last step's log matches PATTERN
  grep -Eq "$1" "$LAST_LOG" || fail "expected /$1/ in $LAST_LOG"
}

[ -n "$PKG" ] || fail "no DIST_NAME = '...' in setup.py"
say "repo $REPO, venv $VENV, package $PKG, scratch $WORK"

# 1. the environment: torch, mmcv with its ops, mmdet, mmengine
run setup env VENV="$VENV" bash tools/setup_env.sh
PY="$(cd "$VENV/bin" && pwd)/python"
MIM=("$VENV/bin/mim")
pip_() { "$PY" -m pip install --disable-pip-version-check "$@"; }

# 2. openmim, and the build tools of a legacy (setup.py develop) editable
#    install: setuptools >= 80 and pip >= 25.3 always make PEP 660 editable
#    installs, whose dist-info sits in site-packages, so mim looks for
#    site-packages/mmpr/.mim and finds nothing.
run build-tools pip_ "setuptools>=77,<80" "pip<25.3" wheel
run openmim pip_ "$OPENMIM_SPEC"
run versions "$PY" -c "import importlib.metadata as m
for d in ('pip', 'setuptools', 'openmim', 'torch', 'mmcv', 'mmengine', 'mmdet'):
    print(d, m.version(d))
from pip._vendor.packaging.version import Version as V
assert V(m.version('setuptools')) < V('80'), 'setuptools >= 80'
assert V(m.version('pip')) < V('25.3'), 'pip >= 25.3'"
sed 's/^/    /' "$LAST_LOG"

# 3. mim install -e . (an install under the former distribution name mmpr
#    would be listed beside it: remove it; look from outside the repo, whose
#    root may hold a stale mmpr.egg-info)
cd "$WORK"
if "$PY" -m pip show mmpr >/dev/null 2>&1; then
  run uninstall-old "$PY" -m pip uninstall -y mmpr
fi
cd "$REPO"
# Not `python -m mim` here: it puts the working directory on sys.path, pip
# then takes the repo's mmpr_vis.egg-info for the installed mmpr-vis and
# leaves make setup's PEP 660 install in place, which mim keeps finding.
run mim-install "${MIM[@]}" install -e . --no-use-pep517
expect "Running setup.py develop for $PKG"
cd "$WORK"
run lookup "$PY" -c "import os.path as osp
from mim.utils import get_installed_path
root = get_installed_path('$PKG')
print(root)
assert osp.samefile(root, '$REPO/mmpr'), root
for rel in ('tools/train.py', 'tools/test.py', 'model-index.yml',
            'configs/toy/$CONFIG'):
    assert osp.isfile(osp.join(root, '.mim', rel)), rel"
run mim-list "${MIM[@]}" list
expect "^$PKG +[0-9]"
run mim-search "${MIM[@]}" search "$PKG" --valid-config
expect "${CONFIG%.py}"

# 4. mim run: the toy set's scripts (tools/dataset_converters/)
run toy-data "${MIM[@]}" run "$PKG" make_toy_vis data/toy --preset tiny
run toy-convert "${MIM[@]}" run "$PKG" youtubevis2coco \
  -i data/toy/youtube_vis_2019 --version 2019
run script-help "${MIM[@]}" run "$PKG" train -- --help
expect "usage: train.py"

# 5. mim train / mim test with a config name (found under mmpr/.mim/configs)
run mim-train "${MIM[@]}" train "$PKG" "$CONFIG" --work-dir "$WORK/work" \
  --cfg-options train_cfg.max_iters=2
expect "will use $REPO/configs/toy/$CONFIG"
[ -f "$WORK/work/iter_2.pth" ] || fail "mim train wrote no work/iter_2.pth"
run mim-train-ddp "${MIM[@]}" train "$PKG" "$CONFIG" --launcher pytorch \
  --gpus 2 --work-dir "$WORK/work_ddp" --cfg-options train_cfg.max_iters=1 \
  train_dataloader.num_workers=0 train_dataloader.persistent_workers=False
expect "torch.distributed.launch --nproc_per_node=2"
[ -f "$WORK/work_ddp/iter_1.pth" ] || fail "no work_ddp/iter_1.pth"
run mim-test "${MIM[@]}" test "$PKG" "$CONFIG" \
  --checkpoint "$WORK/work/iter_2.pth" --work-dir "$WORK/work" \
  --out "$WORK/results/results.json" --cfg-options \
  model.propagator.num_key_frames=1 test_dataloader.num_workers=0 \
  test_dataloader.persistent_workers=False
expect "youtube_vis/segm_mAP: "
[ -f "$WORK/results/results.json" ] || fail "mim test wrote no results.json"

# 6. mim run demo (tools/demo.py); mim run takes no config names: a path
if [ -f "$REPO/tools/demo.py" ]; then
  video=$(ls -d data/toy/youtube_vis_2019/valid/JPEGImages/* | head -n 1)
  run mim-demo "${MIM[@]}" run "$PKG" demo "$video" \
    "$REPO/mmpr/.mim/configs/toy/$CONFIG" --checkpoint "$WORK/work/iter_2.pth" \
    --key-frames 1 --out-json "$WORK/demo.json" --out "$WORK/demo.mp4"
  [ -f "$WORK/demo.json" ] || fail "mim run demo wrote no demo.json"
else
  say "(no tools/demo.py: mim run $PKG demo not checked)"
fi

say "summary ($PKG, $OPENMIM_SPEC):"
printf '    %s\n' "${SUMMARY[@]}"
say "all $STEP checks passed in $((SECONDS - START)) s"
cd "$REPO"
if [ -z "$KEEP_WORK" ]; then rm -rf "$WORK"; else say "outputs in $WORK"; fi
