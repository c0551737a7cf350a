# Seq Mask R-CNN R101, fine-tuning stage on OVIS:
# the R50 config with a R101 backbone and 3 pairs per GPU on 4 GPUs.
_base_ = [
    './seq-mask-rcnn_r50_fpn_4xb5-ft-5e_ovis.py',
    '../_base_/models/backbones.py'
]

model = dict(backbone=_base_.resnet101)
train_dataloader = dict(batch_size=3)
auto_scale_lr = dict(base_batch_size=12)  # 4 GPUs x 3 pairs
