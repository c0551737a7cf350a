# Seq Mask R-CNN X101-64x4d, main-training stage on OVIS + COCO pseudo videos:
# the R50 config with an X101-64x4d backbone and 2 pairs per GPU on 4 GPUs.
_base_ = [
    './seq-mask-rcnn_r50_fpn_4xb5-main-4e_ovis-coco.py',
    '../_base_/models/backbones.py'
]

model = dict(backbone=_base_.resnext101_64x4d)
train_dataloader = dict(batch_size=2)
auto_scale_lr = dict(base_batch_size=8)  # 4 GPUs x 2 pairs
load_from = 'https://download.openmmlab.com/mmdetection/v2.0/mask_rcnn/mask_rcnn_x101_64x4d_fpn_1x_coco/mask_rcnn_x101_64x4d_fpn_1x_coco_20200201-9352eb0d.pth'  # noqa: E501
