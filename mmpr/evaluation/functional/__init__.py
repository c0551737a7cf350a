from .davis_jf import (SequenceJF, average_objects, boundary_tolerance, disk,
                       evaluate_sequence, pairwise_jf, seg2bmap)
from .object_coverage import ObjectFollowed, frames_covered, objects_followed

__all__ = [
    'SequenceJF', 'average_objects', 'boundary_tolerance', 'disk',
    'evaluate_sequence', 'pairwise_jf', 'seg2bmap', 'ObjectFollowed',
    'frames_covered', 'objects_followed'
]
