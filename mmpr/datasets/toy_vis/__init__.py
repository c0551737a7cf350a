"""The synthetic toy VIS set: its scenes and the writers of its official
layouts (YouTube-VIS, COCO, DAVIS-UVOS), for tests, the demo and the CPU
benchmarks (``tools/dataset_converters/make_toy_vis.py``)."""
from .scenes import (COCO_CATEGORY_IDS, COCO_CLASSES, PRESETS, VIDEO_CLASSES,
                     ToyVideo, ToyVISSize, uncompressed_rle)
from .writers import make_toy_vis, write_coco, write_davis, write_videos

__all__ = [
    'COCO_CATEGORY_IDS', 'COCO_CLASSES', 'PRESETS', 'VIDEO_CLASSES',
    'ToyVISSize', 'ToyVideo', 'make_toy_vis', 'uncompressed_rle', 'write_coco',
    'write_davis', 'write_videos'
]
