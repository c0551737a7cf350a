from .sequence_nms import (SequenceNMS, gaussian_soft_nms, greedy_nms,
                           sequence_iou, sequence_overlaps)

__all__ = [
    'SequenceNMS', 'gaussian_soft_nms', 'greedy_nms', 'sequence_iou',
    'sequence_overlaps'
]
