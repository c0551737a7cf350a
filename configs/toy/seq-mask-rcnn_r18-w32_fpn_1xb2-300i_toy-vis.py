# The `make demo` model: the 400-iteration toy model of half width, made
# cheaper per iteration (_base_/models/seq-mask-rcnn_r18-w32_fpn_toy-fast.py)
# and trained for 300 iterations, so that the demo's
# training takes ~3.5 min on 2 CPU cores (measured: docs/changelog.md,
# the demo recipe):
#   python tools/dataset_converters/make_toy_vis.py data/toy --preset small
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
#   python tools/train.py \
#       configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-300i_toy-vis.py
# Scored on the same toy valid split as the other toy configs.
_base_ = [
    '../_base_/models/seq-mask-rcnn_r18-w32_fpn_toy-fast.py',
    '../_base_/datasets/toy_vis_near-pairs.py',
    '../_base_/schedules/toy_adamw_cosine_400i.py', '../_base_/toy_runtime.py'
]

val_cfg = None
val_dataloader = None
val_evaluator = None
max_iters = 300
train_dataloader = dict(num_workers=0, persistent_workers=False)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
# the 400-iteration warm-up (50 iterations), then its cosine decay over
# the rest of 300 iterations
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_iters, T_max=max_iters - 50)
]
default_hooks = dict(checkpoint=dict(interval=max_iters))
