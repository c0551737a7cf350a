# Seq Mask R-CNN R50, fine-tuning stage on YouTube-VIS 2019 (paper Sec. 4.2),
# from the checkpoint of the main-training stage:
#   python tools/train.py this config --cfg-options \
#       load_from=work_dirs/seq-mask-rcnn_r50_fpn_4xb5-main-4e_youtubevis2019-coco/epoch_4.pth  # noqa: E501
_base_ = [
    '../_base_/models/seq-mask-rcnn_r50_fpn.py',
    '../_base_/datasets/youtube_vis_2019.py',
    '../_base_/schedules/finetune_5e.py', '../_base_/default_runtime.py'
]

# YouTube-VIS pairs only (no COCO pseudo videos)
train_dataloader = dict(batch_size=5)
auto_scale_lr = dict(base_batch_size=20)  # 4 GPUs x 5 pairs
load_from = None  # the main-training checkpoint: --cfg-options load_from=...
