from .sequence_visualizer import SequenceVisualizer, sequence_color
from .video_writer import (VIDEO_SUFFIXES, FrameFolderWriter, VideoWriter,
                           atomic_path, open_frame_writer)

__all__ = [
    'SequenceVisualizer', 'sequence_color', 'VIDEO_SUFFIXES', 'VideoWriter',
    'FrameFolderWriter', 'atomic_path', 'open_frame_writer'
]
