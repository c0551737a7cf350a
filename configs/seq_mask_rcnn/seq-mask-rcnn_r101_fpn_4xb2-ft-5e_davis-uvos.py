# Seq Mask R-CNN R101, fine-tuning stage on DAVIS-UVOS (paper
# Sec. 4.2): 5 epochs, 2 pairs per GPU on 4 GPUs, from the checkpoint
# of the main-training stage:
#   seq-mask-rcnn_r101_fpn_4xb2-main-4e_davis-uvos-coco.py
_base_ = [
    '../_base_/models/seq-mask-rcnn_r101_fpn.py',
    '../_base_/datasets/davis_uvos.py', '../_base_/schedules/finetune_5e.py',
    '../_base_/default_runtime.py'
]

# one foreground class; K = 4 key frames (paper Sec. 4.4)
model = dict(
    roi_head=dict(
        bbox_head=dict(num_classes=1), mask_head=dict(num_classes=1)),
    propagator=dict(num_key_frames=4))

train_dataloader = dict(batch_size=2)
load_from = 'work_dirs/seq-mask-rcnn_r101_fpn_4xb2-main-4e_davis-uvos-coco/epoch_4.pth'  # noqa: E501
