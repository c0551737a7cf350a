# Seq Mask R-CNN X101-64x4d, fine-tuning stage on OVIS:
# the R50 config with an X101-64x4d backbone and 2 pairs per GPU on 4 GPUs.
_base_ = [
    './seq-mask-rcnn_r50_fpn_4xb5-ft-5e_ovis.py',
    '../_base_/models/backbones.py'
]

model = dict(backbone=_base_.resnext101_64x4d)
train_dataloader = dict(batch_size=2)
auto_scale_lr = dict(base_batch_size=8)  # 4 GPUs x 2 pairs
