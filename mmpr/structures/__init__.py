"""Data structures of mmpr: the instance sequences of a video, RLEs and
mask IoUs."""
from .instance_sequences import InstanceSequences
from .mask_boxes import mask_boxes
from .mask_ious import mask_ious
from .rle import (column_edges, crop_masks, crop_rle, encode_masks,
                  from_record, resize_masks, resize_rle, rle_areas, rle_box,
                  rle_boxes, rles_from_edges, str_counts)

__all__ = [
    'InstanceSequences', 'column_edges', 'crop_masks', 'crop_rle',
    'encode_masks', 'from_record', 'mask_boxes', 'mask_ious', 'resize_masks',
    'resize_rle', 'rle_areas', 'rle_box', 'rle_boxes', 'rles_from_edges',
    'str_counts'
]
