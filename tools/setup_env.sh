#!/usr/bin/env bash
# Create or complete the Python environment mmpr runs in (`make setup`).
# Safe to re-run: steps that are already done are checked and skipped.
#   VENV        environment to create or complete (default .venv); point it at
#               an existing environment to keep the torch it has (e.g. CUDA)
#   PYTHON      interpreter that creates a new VENV (default python3)
#   TORCH_SPEC  torch to install when VENV has none (default torch==2.13.0)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
TORCH_SPEC=${TORCH_SPEC:-torch==2.13.0}
MMCV_VERSION=2.1.0

say() { printf '[mmpr setup] %s\n' "$*"; }
die() { printf '[mmpr setup] error: %s\n' "$*" >&2; exit 1; }

if [ ! -x "$VENV/bin/python" ]; then
  say "creating the virtual environment $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV" || die "'$PYTHON -m venv $VENV' failed; install \
the venv module (Debian: apt-get install python3-venv) or set PYTHON=..."
fi
PY="$(cd "$VENV" && pwd)/bin/python"
pip_install() { "$PY" -m pip install --disable-pip-version-check -q "$@"; }
repo=$(pwd)
ready() {
  (cd / && "$PY" -c "import mmcv, mmdet, mmengine, mmpr, torch
print(f'[mmpr setup] ready: {\"$VENV\"} with torch {torch.__version__}, '
      f'mmcv {mmcv.__version__}, mmengine {mmengine.__version__}, '
      f'mmdet {mmdet.__version__}, mmpr {mmpr.__version__}')")
}

# a set-up that finished for these requirements and this checkout is only
# checked (seconds): mmcv with its ops and mmpr from here import
stamp="$VENV/.mmpr_setup"
fingerprint="$(cat requirements/*.txt setup.py setup.cfg | cksum) $repo"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ] \
    && (cd / && "$PY" -c "import mmcv, mmcv.ops, mmpr, os, sys
sys.exit(mmcv.__version__ != '$MMCV_VERSION' or not os.path.samefile(
    os.path.dirname(mmpr.__file__), '$repo/mmpr'))") 2>/dev/null; then
  say "ready: $VENV is set up for this checkout (requirements unchanged)"
  exit 0
fi

# setuptools < 82 keeps pkg_resources (mmcv's setup.py, `mmdet::` configs,
# mim); torch 2.13 needs >= 77. numpy comes before torch, whose import warns
# "Failed to initialize NumPy" without it.
pip_install -r requirements/build.txt \
  || die "could not install the build tools of requirements/build.txt"

if "$PY" -c 'import torch' 2>/dev/null; then
  say "keeping torch $("$PY" -c 'import torch; print(torch.__version__)')"
else
  say "installing $TORCH_SPEC"
  pip_install "$TORCH_SPEC" || die "could not install $TORCH_SPEC; install \
a torch build for your machine into $VENV yourself, then re-run make setup"
fi

if ! "$PY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == \
'$MMCV_VERSION'" 2>/dev/null; then
  extra=()
  if "$PY" -c 'import mmcv' 2>/dev/null; then
    extra+=(--force-reinstall --no-deps)  # present, but without its ops
  fi
  if "$PY" -c 'import torch, sys; sys.exit(not torch.version.cuda)' \
      && command -v nvcc >/dev/null; then
    export FORCE_CUDA=${FORCE_CUDA:-1}
    extra+=(--no-cache-dir)  # never reuse a cached CPU-only wheel
  fi
  say "building mmcv $MMCV_VERSION with its C++ ops${FORCE_CUDA:+ and CUDA \
kernels}: about 15 minutes on 2 cores the first time (pip caches the wheel, \
later set-ups take seconds)"
  MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} pip_install \
    --no-build-isolation "${extra[@]}" "mmcv==$MMCV_VERSION" \
    || die "building mmcv $MMCV_VERSION failed (pip's output is above); \
it needs a C++ compiler (Debian: apt-get install g++) and setuptools<82"
  "$PY" -c 'import mmcv.ops' \
    || die "mmcv $MMCV_VERSION was installed without its compiled ops"
fi

pip_install -r requirements/runtime.txt -r requirements/tests.txt \
  -r requirements/docs.txt \
  || die "could not install requirements/runtime.txt, tests.txt and docs.txt"

if ! (cd / && "$PY" -c "import mmpr, os, sys; sys.exit(not os.path.samefile(\
os.path.dirname(mmpr.__file__), '$repo/mmpr'))") 2>/dev/null; then
  say "installing mmpr from $repo (editable)"
  pip_install --no-build-isolation --no-deps -e . \
    || die "pip install -e . failed (pip's output is above)"
fi

ready || die "the environment is complete but 'import mmpr' fails (above)"
echo "$fingerprint" > "$stamp"
