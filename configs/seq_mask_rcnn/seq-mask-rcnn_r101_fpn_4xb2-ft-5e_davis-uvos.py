# Seq Mask R-CNN R101, fine-tuning stage on DAVIS-UVOS:
# the R50 config with a R101 backbone and 2 pairs per GPU on 4 GPUs.
_base_ = [
    './seq-mask-rcnn_r50_fpn_4xb2-ft-5e_davis-uvos.py',
    '../_base_/models/backbones.py'
]

model = dict(backbone=_base_.resnet101)
train_dataloader = dict(batch_size=2)
auto_scale_lr = dict(base_batch_size=8)  # 4 GPUs x 2 pairs
