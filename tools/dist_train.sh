#!/usr/bin/env bash
# Train with one process per GPU, on one or several machines (torchrun).
#   bash tools/dist_train.sh CONFIG GPUS [train.py options]
# Several machines: run it on each with the same MASTER_ADDR/PORT and NNODES,
# and NODE_RANK=0..NNODES-1. PYTHON selects the interpreter. Without CUDA
# every process trains on the CPU (gloo backend).
set -euo pipefail
CONFIG=$1
GPUS=$2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
PYTHON=${PYTHON:-python}

PYTHONPATH="$(dirname "$0")/..:${PYTHONPATH:-}" \
"$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" \
    --master_port="$PORT" \
    "$(dirname "$0")/train.py" "$CONFIG" --launcher pytorch "${@:3}"
