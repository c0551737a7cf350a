from .davis_jf import (SequenceJF, average_objects, boundary_tolerance, disk,
                       evaluate_sequence, pairwise_jf, seg2bmap)

__all__ = [
    'SequenceJF', 'average_objects', 'boundary_tolerance', 'disk',
    'evaluate_sequence', 'pairwise_jf', 'seg2bmap'
]
