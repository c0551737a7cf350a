from .nms import gaussian_soft_nms, greedy_nms
from .sequence_nms import SequenceNMS

__all__ = ['SequenceNMS', 'gaussian_soft_nms', 'greedy_nms']
