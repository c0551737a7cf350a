"""Write drawn frames as a video browsers play, or as a frame folder.

An ``.mp4`` is encoded by the ffmpeg bundled with ``imageio-ffmpeg``
(H.264, yuv420p, ``+faststart``); without that package OpenCV writes
MPEG-4 part 2 (``mp4v``), which most browsers do not play, with a warning.
A video is written under a temporary name next to its path and renamed when
complete, so an existing output is never left half-written.
"""
import logging
import os
import os.path as osp
import uuid
from contextlib import ExitStack, contextmanager
from typing import Iterator, Optional, Tuple, Union

import cv2
import mmcv
import numpy as np
from mmengine.logging import print_log

try:
    import imageio_ffmpeg
except ImportError:
    imageio_ffmpeg = None

VIDEO_SUFFIXES = ('.mp4', '.mov', '.mkv', '.avi')


@contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """A temporary path next to ``path``, renamed to ``path`` on success.

    The temporary name keeps the suffix (ffmpeg picks the container by it).
    On an error the temporary file is removed and ``path`` is untouched.
    """
    folder, name = osp.split(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    stem, suffix = osp.splitext(name)
    tmp = osp.join(folder, f'.{stem}.{uuid.uuid4().hex[:8]}.tmp{suffix}')
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


class VideoWriter:
    """Write (H, W, 3) BGR uint8 frames into a video file.

    A context manager: the file appears at ``path`` when the block ends
    without an error. H.264 needs an even frame size, so odd frames get one
    black row or column at the bottom or right.

    Args:
        path (str): Output file, e.g. ``out.mp4``.
        fps (float): Frames per second.
    """

    def __init__(self, path: str, fps: float) -> None:
        if not fps > 0:
            raise ValueError(f'fps must be > 0, got {fps}')
        self.path = path
        self.fps = fps
        self.num_frames = 0
        self._stack: Optional[ExitStack] = None
        self._tmp: Optional[str] = None
        self._size: Optional[Tuple[int, int]] = None  # (W, H) written
        self._ffmpeg = None
        self._cv2 = None

    def __enter__(self) -> 'VideoWriter':
        self._stack = ExitStack()
        self._tmp = self._stack.enter_context(atomic_path(self.path))
        self._stack.callback(self._close)  # runs before the rename
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        stack, self._tmp = self._stack, None
        if exc_type is None and not self.num_frames:
            with stack:
                raise ValueError(f'no frame was written to {self.path}')
        return stack.__exit__(exc_type, exc, traceback)

    def write(self, frame: np.ndarray) -> None:
        """Append one (H, W, 3) BGR uint8 frame."""
        if self._tmp is None:
            raise RuntimeError('use VideoWriter in a `with` block')
        height, width = frame.shape[:2]
        if self._size is None:
            self._open((width + width % 2, height + height % 2))
        if (width + width % 2, height + height % 2) != self._size:
            raise ValueError(f'frame {self.num_frames} is {width}x{height}, '
                             f'the video is {self._size[0]}x{self._size[1]}')
        pad_w, pad_h = self._size[0] - width, self._size[1] - height
        if pad_w or pad_h:
            frame = cv2.copyMakeBorder(frame, 0, pad_h, 0, pad_w,
                                       cv2.BORDER_CONSTANT)
        if self._ffmpeg is not None:
            self._ffmpeg.send(np.ascontiguousarray(frame).tobytes())
        else:
            self._cv2.write(frame)
        self.num_frames += 1

    def _open(self, size: Tuple[int, int]) -> None:
        """Start the encoder for (W, H) frames."""
        self._size = size
        if imageio_ffmpeg is not None:
            params = ['-crf', '20']
            if self.path.lower().endswith(('.mp4', '.mov')):
                params += ['-movflags', '+faststart']  # play while loading
            self._ffmpeg = imageio_ffmpeg.write_frames(
                self._tmp,
                size,
                fps=self.fps,
                pix_fmt_in='bgr24',
                pix_fmt_out='yuv420p',
                codec='libx264',
                quality=None,
                macro_block_size=1,
                output_params=params)
            self._ffmpeg.send(None)  # start the generator
            return
        print_log(
            'imageio-ffmpeg is not installed: writing mp4v with OpenCV, '
            'which most browsers do not play; `pip install imageio-ffmpeg` '
            'for H.264.',
            logger='current',
            level=logging.WARNING)
        self._cv2 = cv2.VideoWriter(self._tmp, cv2.VideoWriter_fourcc(*'mp4v'),
                                    self.fps, size)
        if not self._cv2.isOpened():
            raise OSError(f'OpenCV cannot write {self.path}')

    def _close(self) -> None:
        if self._ffmpeg is not None:
            self._ffmpeg.close()
            self._ffmpeg = None
        if self._cv2 is not None:
            self._cv2.release()
            self._cv2 = None


class FrameFolderWriter:
    """Write frames as ``00000.jpg``, ``00001.jpg``, ... into a folder.

    Args:
        folder (str): Output folder, created if missing.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.num_frames = 0

    def __enter__(self) -> 'FrameFolderWriter':
        os.makedirs(self.folder, exist_ok=True)
        return self

    def __exit__(self, exc_type, exc, traceback) -> bool:
        return False

    def write(self, frame: np.ndarray) -> None:
        """Write one (H, W, 3) BGR uint8 frame."""
        mmcv.imwrite(frame, osp.join(self.folder,
                                     f'{self.num_frames:05d}.jpg'))
        self.num_frames += 1


def open_frame_writer(out: str,
                      fps: float) -> Union[VideoWriter, FrameFolderWriter]:
    """A :class:`VideoWriter` when ``out`` ends in a video suffix
    (:data:`VIDEO_SUFFIXES`), else a :class:`FrameFolderWriter`."""
    if out.lower().endswith(VIDEO_SUFFIXES):
        return VideoWriter(out, fps)
    return FrameFolderWriter(out)
