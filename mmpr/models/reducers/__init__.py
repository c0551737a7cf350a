from .nms import gaussian_soft_nms, greedy_nms, uncovered_masks
from .sequence_nms import SequenceNMS

__all__ = ['SequenceNMS', 'gaussian_soft_nms', 'greedy_nms', 'uncovered_masks']
