"""Data structures of mmpr: the instance sequences of a video, RLEs, mask
IoUs and boxes, and sequence overlaps."""
from .instance_sequences import InstanceSequences, SequenceMasks
from .mask_boxes import mask_boxes
from .mask_ious import mask_ious
from .rle import (column_edges, crop_masks, crop_rle, encode_masks,
                  from_record, resize_masks, resize_rle, rle_areas, rle_box,
                  rle_boxes, rles_from_edges, str_counts)
from .sequence_overlaps import sequence_iou, sequence_overlaps

__all__ = [
    'InstanceSequences', 'SequenceMasks', 'column_edges', 'crop_masks',
    'crop_rle', 'encode_masks', 'from_record', 'mask_boxes', 'mask_ious',
    'resize_masks', 'resize_rle', 'rle_areas', 'rle_box', 'rle_boxes',
    'rles_from_edges', 'sequence_iou', 'sequence_overlaps', 'str_counts'
]
