# The toy Seq Mask R-CNN with three times the budget (about 35 minutes on 2
# CPU cores): the lr steps scale with it, so the detector trains three times
# longer at 4e-4 and the propagation three times longer after the first step.
# Compared with MaskTrack R-CNN at the same budget in docs/benchmarks.md.
#   python tools/train.py \
#       configs/toy/seq-mask-rcnn_r18_fpn_1xb2-3600i_toy-vis.py
_base_ = './seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'

max_iters = 3600
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
# the base schedule with its steps at three times the iterations
param_scheduler = _base_.param_scheduler
param_scheduler[1].update(dict(end=max_iters, milestones=[900, 3000]))
default_hooks = dict(checkpoint=dict(interval=1200))
