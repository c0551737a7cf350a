from .inference import (PipelineFrames, build_video_pipeline, inference_video,
                        init_model)
from .render import render_video
from .video_reader import VideoFrames, open_video, read_video
from .video_result import InstanceSequence, VideoResult

__all__ = [
    'init_model', 'inference_video', 'build_video_pipeline', 'PipelineFrames',
    'open_video', 'read_video', 'VideoFrames', 'render_video',
    'InstanceSequence', 'VideoResult'
]
