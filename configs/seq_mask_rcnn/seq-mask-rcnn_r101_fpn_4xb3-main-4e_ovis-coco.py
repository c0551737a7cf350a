# Seq Mask R-CNN R101, main-training stage on OVIS + COCO pseudo videos:
# the R50 config with a R101 backbone and 3 pairs per GPU on 4 GPUs.
_base_ = [
    './seq-mask-rcnn_r50_fpn_4xb5-main-4e_ovis-coco.py',
    '../_base_/models/backbones.py'
]

model = dict(backbone=_base_.resnet101)
train_dataloader = dict(batch_size=3)
auto_scale_lr = dict(base_batch_size=12)  # 4 GPUs x 3 pairs
load_from = 'https://download.openmmlab.com/mmdetection/v2.0/mask_rcnn/mask_rcnn_r101_fpn_1x_coco/mask_rcnn_r101_fpn_1x_coco_20200204-1efe0ed5.pth'  # noqa: E501
