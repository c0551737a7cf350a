# Seq Mask R-CNN R50, fine-tuning stage on DAVIS-UVOS (paper Sec. 4.2),
# from the checkpoint of the main-training stage:
#   python tools/train.py this config --cfg-options \
#       load_from=work_dirs/seq-mask-rcnn_r50_fpn_4xb2-main-4e_davis-uvos-coco/epoch_4.pth  # noqa: E501
_base_ = [
    '../_base_/models/seq-mask-rcnn_r50_fpn_davis-uvos.py',
    '../_base_/datasets/davis_uvos.py', '../_base_/schedules/finetune_5e.py',
    '../_base_/default_runtime.py'
]

# DAVIS pairs only (no COCO pseudo videos)
train_dataloader = dict(batch_size=2)
auto_scale_lr = dict(base_batch_size=8)  # 4 GPUs x 2 pairs
load_from = None  # the main-training checkpoint: --cfg-options load_from=...
