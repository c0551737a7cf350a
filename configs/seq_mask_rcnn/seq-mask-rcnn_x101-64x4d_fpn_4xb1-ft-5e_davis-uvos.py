# Seq Mask R-CNN X101-64X4D, fine-tuning stage on DAVIS-UVOS (paper
# Sec. 4.2): 5 epochs, 1 pairs per GPU on 4 GPUs, from the checkpoint
# of the main-training stage:
#   seq-mask-rcnn_x101-64x4d_fpn_4xb1-main-4e_davis-uvos-coco.py
_base_ = [
    '../_base_/models/seq-mask-rcnn_x101-64x4d_fpn.py',
    '../_base_/datasets/davis_uvos.py', '../_base_/schedules/finetune_5e.py',
    '../_base_/default_runtime.py'
]

# one foreground class; K = 4 key frames (paper Sec. 4.4)
model = dict(
    roi_head=dict(
        bbox_head=dict(num_classes=1), mask_head=dict(num_classes=1)),
    propagator=dict(num_key_frames=4))

train_dataloader = dict(batch_size=1)
load_from = 'work_dirs/seq-mask-rcnn_x101-64x4d_fpn_4xb1-main-4e_davis-uvos-coco/epoch_4.pth'  # noqa: E501
