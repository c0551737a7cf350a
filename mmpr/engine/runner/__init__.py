from .video_test_loop import VideoTestLoop, read_video_results

__all__ = ['VideoTestLoop', 'read_video_results']
