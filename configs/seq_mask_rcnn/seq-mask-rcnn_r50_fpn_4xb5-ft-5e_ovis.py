# Seq Mask R-CNN R50, fine-tuning stage on OVIS (the paper's second stage:
# 5 epochs at lr 5e-5 on the video set alone), from the checkpoint of the
# main-training stage:
#   python tools/train.py this config --cfg-options \
#       load_from=work_dirs/seq-mask-rcnn_r50_fpn_4xb5-main-4e_ovis-coco/epoch_4.pth  # noqa: E501
# Testing writes the zip to submit to the OVIS server (valid and test have
# no public annotations).
_base_ = [
    '../_base_/models/seq-mask-rcnn_r50_fpn_ovis.py',
    '../_base_/datasets/ovis.py', '../_base_/schedules/finetune_5e.py',
    '../_base_/default_runtime.py'
]

# OVIS pairs only (no COCO pseudo videos)
train_dataloader = dict(batch_size=5)
auto_scale_lr = dict(base_batch_size=20)  # 4 GPUs x 5 pairs
load_from = None  # the main-training checkpoint: --cfg-options load_from=...
