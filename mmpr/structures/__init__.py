"""Data structures of mmpr: the instance sequences of a video and RLEs."""
from .instance_sequences import InstanceSequences
from .rle import (encode_masks, from_record, resize_rle, rle_areas, rle_box,
                  str_counts)

__all__ = [
    'InstanceSequences', 'encode_masks', 'from_record', 'resize_rle',
    'rle_areas', 'rle_box', 'str_counts'
]
