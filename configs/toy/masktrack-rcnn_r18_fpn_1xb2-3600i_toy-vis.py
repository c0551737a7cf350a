# MaskTrack R-CNN on the toy set with the budget of
# seq-mask-rcnn_r18_fpn_1xb2-3600i_toy-vis.py (same iterations and lr steps).
#   python tools/train.py \
#       configs/toy/masktrack-rcnn_r18_fpn_1xb2-3600i_toy-vis.py
_base_ = './masktrack-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'

max_iters = 3600
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
# the base schedule with its steps at three times the iterations
param_scheduler = _base_.param_scheduler
param_scheduler[1].update(dict(end=max_iters, milestones=[900, 3000]))
default_hooks = dict(checkpoint=dict(interval=1200))
