"""Data structures of mmpr: the instance sequences of a video, RLEs and
mask IoUs."""
from .instance_sequences import InstanceSequences
from .mask_ious import mask_ious
from .rle import (crop_rle, encode_masks, from_record, resize_rle, rle_areas,
                  rle_box, str_counts)

__all__ = [
    'InstanceSequences', 'crop_rle', 'encode_masks', 'from_record',
    'mask_ious', 'resize_rle', 'rle_areas', 'rle_box', 'str_counts'
]
