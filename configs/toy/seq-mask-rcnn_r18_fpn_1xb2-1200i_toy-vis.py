# A CPU-sized Seq Mask R-CNN on the synthetic toy set: ResNet-18, narrow FPN
# and heads, no pretrained weights (none can be downloaded on CI machines),
# trained from scratch on the mix of the main-training stage (COCO-style
# images as pseudo videos + the video set). `make demo` trains it in about
# 12 minutes on 2 CPU cores:
#   python tools/dataset_converters/make_toy_vis.py data/toy --preset small
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
#   python tools/train.py \
#       configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py
# The model and its "from scratch" settings:
# _base_/models/seq-mask-rcnn_r18_fpn_toy.py.
_base_ = [
    '../_base_/models/seq-mask-rcnn_r18_fpn_toy.py',
    '../_base_/datasets/toy_vis.py', '../_base_/schedules/toy_adamw_1200i.py',
    '../_base_/toy_runtime.py'
]

val_cfg = None
val_dataloader = None
val_evaluator = None
