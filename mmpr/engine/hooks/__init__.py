from .inference_timing_hook import InferenceTimingHook
from .sequence_visualization_hook import SequenceVisualizationHook

__all__ = ['InferenceTimingHook', 'SequenceVisualizationHook']
