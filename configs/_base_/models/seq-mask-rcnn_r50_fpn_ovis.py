# Seq Mask R-CNN R50 for OVIS: the 25 OVIS classes, and the memory bounded
# for its long videos. max_memory=8: a propagation adds a memory entry every
# mem_step = 5 frames, so on a YouTube-VIS video (at most 36 frames) a memory
# never holds more than 1 + 35 // 5 = 8 entries; 8 keeps the paper's memory
# on every video of that length and stops its growth (1.2 MB per instance
# and entry at 640x360, and the time of every read) beyond it.
_base_ = './seq-mask-rcnn_r50_fpn.py'

model = dict(
    roi_head=dict(
        bbox_head=dict(num_classes=25), mask_head=dict(num_classes=25)),
    propagator=dict(max_memory=8))
