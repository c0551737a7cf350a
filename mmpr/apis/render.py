"""Draw the instance sequences of a video on its frames and write them."""
from typing import Optional, Sequence

import mmcv
import numpy as np
from mmengine.utils import ProgressBar

from mmpr.visualization import SequenceVisualizer, open_frame_writer
from .video_result import VideoResult


def render_video(result: VideoResult,
                 frames: Sequence[np.ndarray],
                 out: str,
                 fps: float = 10.0,
                 score_thr: float = 0.3,
                 visualizer: Optional[SequenceVisualizer] = None,
                 progress: bool = True) -> str:
    """Draw each sequence in its own colour (mask, box, category, score).

    Args:
        result (VideoResult): The sequences of the video.
        frames (Sequence[np.ndarray]): Its T (H, W, 3) BGR uint8 frames.
        out (str): A video file (``.mp4``: H.264) or, without a video
            suffix, a folder of ``%05d.jpg`` frames.
        fps (float): Frames per second of a video file. Defaults to 10.
        score_thr (float): Sequences scoring below are not drawn. Defaults
            to 0.3.
        visualizer (SequenceVisualizer, optional): Defaults to a new one.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        str: ``out``.
    """
    if len(frames) != result.num_frames:
        raise ValueError(f'the result has {result.num_frames} frames but '
                         f'{len(frames)} frames were given')
    if visualizer is None:
        visualizer = SequenceVisualizer(name='mmpr_render_video')
    visualizer.dataset_meta = dict(classes=result.classes)
    bar = ProgressBar(len(frames)) if progress else None
    with open_frame_writer(out, fps) as writer:
        for t, frame in enumerate(frames):
            drawn = visualizer.draw_frame(
                mmcv.bgr2rgb(frame), result.frame_instances(t), score_thr)
            writer.write(mmcv.rgb2bgr(drawn))
            if bar is not None:
                bar.update()
    return out
