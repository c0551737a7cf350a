# Seq Mask R-CNN X101-64x4d, fine-tuning stage on DAVIS-UVOS:
# the R50 config with an X101-64x4d backbone and 1 pair per GPU on 4 GPUs.
_base_ = [
    './seq-mask-rcnn_r50_fpn_4xb2-ft-5e_davis-uvos.py',
    '../_base_/models/backbones.py'
]

model = dict(backbone=_base_.resnext101_64x4d)
train_dataloader = dict(batch_size=1)
auto_scale_lr = dict(base_batch_size=4)  # 4 GPUs x 1 pair
