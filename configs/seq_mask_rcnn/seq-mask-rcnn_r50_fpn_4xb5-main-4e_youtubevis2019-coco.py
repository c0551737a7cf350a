# Seq Mask R-CNN R50, main-training stage on YouTube-VIS 2019 + COCO
# pseudo videos (paper Sec. 4.2): 4 epochs, 5 pairs per GPU on 4 GPUs,
# from Mask R-CNN trained on COCO (the propagation head starts at random).
_base_ = [
    '../_base_/models/seq-mask-rcnn_r50_fpn.py',
    '../_base_/datasets/youtube_vis_2019_coco.py',
    '../_base_/schedules/main_4e.py', '../_base_/default_runtime.py'
]

train_dataloader = dict(batch_size=5)
auto_scale_lr = dict(base_batch_size=20)  # 4 GPUs x 5 pairs
load_from = 'https://download.openmmlab.com/mmdetection/v2.0/mask_rcnn/mask_rcnn_r50_fpn_1x_coco/mask_rcnn_r50_fpn_1x_coco_20200205-d4b0c5d6.pth'  # noqa: E501
