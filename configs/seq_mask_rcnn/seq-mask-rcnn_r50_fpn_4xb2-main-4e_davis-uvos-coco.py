# Seq Mask R-CNN R50, main-training stage on DAVIS-UVOS + COCO pseudo
# videos (paper Sec. 4.2): every instance is one foreground class, 4 epochs,
# 2 pairs per GPU on 4 GPUs, from Mask R-CNN trained on COCO.
_base_ = [
    '../_base_/models/seq-mask-rcnn_r50_fpn_davis-uvos.py',
    '../_base_/datasets/davis_uvos_coco.py', '../_base_/schedules/main_4e.py',
    '../_base_/default_runtime.py'
]

train_dataloader = dict(batch_size=2)
auto_scale_lr = dict(base_batch_size=8)  # 4 GPUs x 2 pairs
load_from = 'https://download.openmmlab.com/mmdetection/v2.0/mask_rcnn/mask_rcnn_r50_fpn_1x_coco/mask_rcnn_r50_fpn_1x_coco_20200205-d4b0c5d6.pth'  # noqa: E501
