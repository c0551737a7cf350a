# The toy Seq Mask R-CNN at half the ResNet-18 width (the `make demo` model
# before the 300-iteration config, which shares its bases), trained for 400
# iterations (a third of the toy config's, at 0.4x its cost
# per iteration), with the settings that let a model learn from scratch in
# minutes (measured: docs/changelog.md, the demo recipe):
#   python tools/dataset_converters/make_toy_vis.py data/toy --preset small
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
#   python tools/train.py \
#       configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-400i_toy-vis.py
# Scored on the same toy valid split as the other toy configs.
_base_ = [
    '../_base_/models/seq-mask-rcnn_r18-w32_fpn_toy.py',
    '../_base_/datasets/toy_vis_near-pairs.py',
    '../_base_/schedules/toy_adamw_cosine_400i.py', '../_base_/toy_runtime.py'
]

val_cfg = None
val_dataloader = None
val_evaluator = None
default_hooks = dict(checkpoint=dict(interval=400))
