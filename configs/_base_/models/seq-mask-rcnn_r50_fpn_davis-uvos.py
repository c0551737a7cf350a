# Seq Mask R-CNN R50 for DAVIS-UVOS: every instance is one foreground class;
# K = 4 key frames (paper Sec. 4.4)
_base_ = './seq-mask-rcnn_r50_fpn.py'

model = dict(
    roi_head=dict(
        bbox_head=dict(num_classes=1), mask_head=dict(num_classes=1)),
    propagator=dict(num_key_frames=4))
