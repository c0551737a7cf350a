# Seq Mask R-CNN X101-64X4D, main-training stage on DAVIS-UVOS + COCO
# pseudo videos (paper Sec. 4.2): 4 epochs, 1 pairs per GPU on 4 GPUs,
# from Mask R-CNN trained on COCO (the propagation head starts at random).
_base_ = [
    '../_base_/models/seq-mask-rcnn_x101-64x4d_fpn.py',
    '../_base_/datasets/davis_uvos_coco.py', '../_base_/schedules/main_4e.py',
    '../_base_/default_runtime.py'
]

# one foreground class; K = 4 key frames (paper Sec. 4.4)
model = dict(
    roi_head=dict(
        bbox_head=dict(num_classes=1), mask_head=dict(num_classes=1)),
    propagator=dict(num_key_frames=4))

train_dataloader = dict(batch_size=1)
load_from = 'https://download.openmmlab.com/mmdetection/v2.0/mask_rcnn/mask_rcnn_x101_64x4d_fpn_1x_coco/mask_rcnn_x101_64x4d_fpn_1x_coco_20200201-9352eb0d.pth'  # noqa: E501
