"""Read a whole video into memory: an mp4 file, a frame folder or arrays.

Propose-Reduce needs every frame at once (it propagates from key frames in
both directions), so the frames are decoded up front.
"""
import os
import os.path as osp
from typing import List, Optional, Sequence, Tuple, Union

import mmcv
import numpy as np

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
VideoInput = Union[str, Sequence[str], Sequence[np.ndarray]]


def read_video(video: VideoInput) -> Tuple[List[np.ndarray], Optional[float]]:
    """The frames of a video and its frame rate.

    Args:
        video (str | list[str] | list[np.ndarray]): A video file (anything
            OpenCV decodes, e.g. ``.mp4``), a folder of frames (image files
            in name order), T image files, or T (H, W, 3) BGR uint8 arrays.

    Returns:
        tuple: T (H, W, 3) BGR uint8 frames, and the file's frames per
        second (None for a folder, images, arrays or a file without a rate).

    Raises:
        FileNotFoundError: ``video`` or one of its image files does not
            exist.
        ValueError: No frame could be read, a frame is unreadable, or the
            frames are not (H, W, 3) uint8 arrays of one size.
    """
    if isinstance(video, (str, os.PathLike)):
        path = os.fspath(video)
        if osp.isdir(path):
            frames, fps = _read_folder(path), None
        elif osp.isfile(path):
            frames, fps = _read_file(path)
        else:
            raise FileNotFoundError(
                f'video {path} does not exist; pass a video file (.mp4), a '
                'folder of frames or a list of BGR arrays.')
    else:
        frames, fps = list(video), None
        if not frames:
            raise ValueError('the list of frames is empty; pass at least one '
                             'image file or (H, W, 3) BGR uint8 array.')
        if all(isinstance(f, (str, os.PathLike)) for f in frames):
            frames = [_read_image(os.fspath(f)) for f in frames]
    _check_frames(frames)
    return frames, fps


def _read_folder(path: str) -> List[np.ndarray]:
    """Frames of a folder: its image files sorted by name."""
    names = sorted(
        name for name in os.listdir(path)
        if name.lower().endswith(IMAGE_SUFFIXES))
    if not names:
        raise ValueError(
            f'folder {path} holds no image file ({", ".join(IMAGE_SUFFIXES)})'
            '; pass a folder of frames or a video file.')
    return [_read_image(osp.join(path, name)) for name in names]


def _read_image(file: str) -> np.ndarray:
    """One (H, W, 3) BGR frame of an image file."""
    if not osp.isfile(file):
        raise FileNotFoundError(f'frame {file} does not exist; check the '
                                'image folder.')
    frame = mmcv.imread(file)
    if frame is None:
        raise ValueError(f'cannot read frame {file}; replace or remove the '
                         'file.')
    return frame


def _read_file(path: str) -> Tuple[List[np.ndarray], Optional[float]]:
    """Frames and frame rate of a video file, decoded to the last frame."""
    reader = mmcv.VideoReader(path)
    frames = []
    if reader.opened:
        frame = reader.read()
        while frame is not None:
            frames.append(frame)
            frame = reader.read()
    if not frames:
        raise ValueError(
            f'cannot read any frame from {path}; pass a video OpenCV decodes '
            '(re-encode it: ffmpeg -i IN -c:v libx264 OUT.mp4) or a folder '
            'of frames.')
    fps = float(reader.fps or 0)
    return frames, fps if np.isfinite(fps) and fps > 0 else None


def _check_frames(frames: List[np.ndarray]) -> None:
    """Raise unless every frame is an (H, W, 3) uint8 array of one size."""
    shape = None
    for t, frame in enumerate(frames):
        if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or (
                frame.ndim != 3 or frame.shape[2] != 3):
            raise ValueError(
                f'frame {t} is not an (H, W, 3) uint8 BGR array (got '
                f'{getattr(frame, "shape", type(frame))}, '
                f'{getattr(frame, "dtype", "")}); convert it with '
                'mmcv.imread or cv2.cvtColor.')
        if shape is None:
            shape = frame.shape
        elif frame.shape != shape:
            raise ValueError(f'frame {t} is {frame.shape[:2]} but frame 0 is '
                             f'{shape[:2]}; all frames of a video need one '
                             'size.')
