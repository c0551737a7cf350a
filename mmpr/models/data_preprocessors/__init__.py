from .video_data_preprocessor import NormalisedFrames, VideoDataPreprocessor

__all__ = ['NormalisedFrames', 'VideoDataPreprocessor']
