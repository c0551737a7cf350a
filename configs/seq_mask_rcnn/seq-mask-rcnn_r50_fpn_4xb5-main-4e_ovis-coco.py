# Seq Mask R-CNN R50, main-training stage on OVIS + COCO pseudo videos: the
# paper's YouTube-VIS recipe (Sec. 4.2: 4 epochs of SGD from lr 5e-3, pairs
# of one video, COCO images of the shared categories as pseudo videos), 5
# pairs per GPU on 4 GPUs, from Mask R-CNN trained on COCO. The paper has no
# OVIS experiment; where it is silent: the YouTube-VIS frame sizes and K = 6
# key frames, the memory bounded for OVIS's long videos (max_memory=8, see
# the model base), and epochs kept although OVIS has 607 training videos to
# YouTube-VIS 2019's 2,238 (common OVIS recipes train longer: raise
# train_cfg.max_epochs and the lr steps together if it underfits).
_base_ = [
    '../_base_/models/seq-mask-rcnn_r50_fpn_ovis.py',
    '../_base_/datasets/ovis_coco.py', '../_base_/schedules/main_4e.py',
    '../_base_/default_runtime.py'
]

train_dataloader = dict(batch_size=5)
auto_scale_lr = dict(base_batch_size=20)  # 4 GPUs x 5 pairs
load_from = 'https://download.openmmlab.com/mmdetection/v2.0/mask_rcnn/mask_rcnn_r50_fpn_1x_coco/mask_rcnn_r50_fpn_1x_coco_20200205-d4b0c5d6.pth'  # noqa: E501
