from .sequence_visualizer import SequenceVisualizer, sequence_color

__all__ = ['SequenceVisualizer', 'sequence_color']
