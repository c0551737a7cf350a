"""Frames of a video (an mp4 file, a frame folder or arrays), read on demand.

Propose-Reduce reads every frame twice (a forward and a backward pass from
the key frames), so a long video is not decoded up front:
:func:`open_video` gives a :class:`VideoFrames` sequence that reads a frame
when it is indexed and holds only a block of recent frames.
:func:`read_video` reads them all into memory.
"""
import os
import os.path as osp
from collections import OrderedDict
from typing import List, Optional, Sequence, Tuple, Union

import cv2
import mmcv
import numpy as np

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')
VideoInput = Union[str, Sequence[str], Sequence[np.ndarray]]


class VideoFrames(Sequence[np.ndarray]):
    """The T frames of a video, each read when it is indexed.

    A frame is an (H, W, 3) BGR uint8 array; every frame is checked against
    frame 0 (read when the video is opened) as it is read. A video file is
    decoded forward and its last ``block_size`` frames are kept, so that
    reading backward seeks once per block; image files are read one at a
    time; arrays are only indexed.

    Args:
        frames (list[str] | list[np.ndarray] | str): T image files, T
            arrays, or a video file.
        fps (float, optional): Frames per second (a video file's own).
        block_size (int): Frames of a video file kept. Defaults to 32.

    Attributes:
        fps (float | None): Frames per second, None where unknown.
    """

    def __init__(self,
                 frames: Union[str, Sequence[Union[str, np.ndarray]]],
                 fps: Optional[float] = None,
                 block_size: int = 32) -> None:
        self.fps = fps
        self._files = None
        self._arrays = None
        self._capture = None
        if isinstance(frames, str):
            self._path = frames
            self._num_frames, file_fps = _count_frames(frames)
            self.fps = file_fps if fps is None else fps
            self._block_size = block_size
            self._blocks: OrderedDict = OrderedDict()
            self._position = 0
        elif all(isinstance(f, str) for f in frames):
            self._files = list(frames)
            self._num_frames = len(self._files)
        else:
            self._arrays = list(frames)
            self._num_frames = len(self._arrays)
        if not self._num_frames:
            raise ValueError('the list of frames is empty; pass at least one '
                             'image file or (H, W, 3) BGR uint8 array.')
        self._shape = None
        self._shape = self[0].shape
        for t, frame in enumerate(self._arrays or ()):
            self._check(t, frame)

    def __len__(self) -> int:
        """T, the number of frames."""
        return self._num_frames

    def __getitem__(self, index: Union[int, slice]):
        """Frame ``index`` (H, W, 3), or a list of frames for a slice."""
        if isinstance(index, slice):
            return [self[t] for t in range(len(self))[index]]
        t = range(len(self))[index]
        if self._arrays is not None:
            frame = self._arrays[t]
        elif self._files is not None:
            frame = _read_image(self._files[t])
        else:
            frame = self._read_video_frame(t)
        self._check(t, frame)
        return frame

    def _check(self, t: int, frame: np.ndarray) -> None:
        """Raise unless frame ``t`` is (H, W, 3) uint8 of frame 0's size."""
        if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or (
                frame.ndim != 3 or frame.shape[2] != 3):
            raise ValueError(
                f'frame {t} is not an (H, W, 3) uint8 BGR array (got '
                f'{getattr(frame, "shape", type(frame))}, '
                f'{getattr(frame, "dtype", "")}); convert it with '
                'mmcv.imread or cv2.cvtColor.')
        if self._shape is not None and frame.shape != self._shape:
            raise ValueError(f'frame {t} is {frame.shape[:2]} but frame 0 is '
                             f'{self._shape[:2]}; all frames of a video need '
                             'one size.')

    def _read_video_frame(self, t: int) -> np.ndarray:
        """Frame ``t`` of the video file: from the kept block, by decoding
        on, or after a seek (to ``t``, or a block back when reading
        backward)."""
        if t in self._blocks:
            return self._blocks[t]
        if self._capture is None:
            self._capture = cv2.VideoCapture(self._path)
        if not self._position <= t < self._position + self._block_size:
            # forward: to t; backward: to the block that ends at t
            back = max(0, t + 1 - self._block_size)
            start = t if t > self._position else back
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, start)
            self._position = start
        while self._position <= t:
            ok, frame = self._capture.read()
            if not ok:
                raise ValueError(f'cannot read frame {self._position} of '
                                 f'{self._path}; re-encode the video '
                                 '(ffmpeg -i IN -c:v libx264 OUT.mp4).')
            self._blocks[self._position] = frame
            self._position += 1
            if len(self._blocks) > self._block_size:
                self._blocks.popitem(last=False)
        return self._blocks[t]


def open_video(video: Union[VideoInput, VideoFrames]) -> VideoFrames:
    """The frames of a video, read on demand.

    Args:
        video (str | list[str] | list[np.ndarray] | VideoFrames): A video
            file (anything OpenCV decodes, e.g. ``.mp4``), a folder of
            frames (image files in name order), T image files, or T
            (H, W, 3) BGR uint8 arrays.

    Returns:
        VideoFrames: The T frames, with ``fps`` the file's frames per second
        (None for a folder, images, arrays or a file without a rate).

    Raises:
        FileNotFoundError: ``video`` or its first image file does not exist.
        ValueError: No frame can be read, or the first frame (all frames,
            for arrays) is not an (H, W, 3) uint8 array of frame 0's size.
    """
    if isinstance(video, VideoFrames):
        return video
    if isinstance(video, (str, os.PathLike)):
        path = os.fspath(video)
        if osp.isdir(path):
            files = _folder_files(path)
            check_image_files(files)
            return VideoFrames(files)
        if osp.isfile(path):
            return VideoFrames(path)
        raise FileNotFoundError(
            f'video {path} does not exist; pass a video file (.mp4), a '
            'folder of frames or a list of BGR arrays.')
    frames = list(video)
    if frames and all(isinstance(f, (str, os.PathLike)) for f in frames):
        frames = [os.fspath(f) for f in frames]
        check_image_files(frames)
    return VideoFrames(frames)


def image_file_problem(file: str) -> Optional[str]:
    """Why an existing image file cannot be read, from its size, header
    and end (a cheap look, no decoding); None if it looks whole."""
    size = osp.getsize(file)
    if size == 0:
        return 'empty file'
    with open(file, 'rb') as f:
        head = f.read(16)
        f.seek(max(size - 64, 0))
        tail = f.read()
    if head.startswith(b'\xff\xd8'):  # JPEG: ends with its EOI marker
        return None if b'\xff\xd9' in tail else 'truncated JPEG'
    if head.startswith(b'\x89PNG'):  # PNG: ends with its IEND chunk
        return None if b'IEND' in tail else 'truncated PNG'
    if cv2.haveImageReader(file):
        return None
    return 'not an image'


def check_image_files(files: Sequence[str]) -> None:
    """Name every missing or unreadable image file in one error, before
    any work.

    Raises:
        FileNotFoundError: One line listing the files that do not exist.
        ValueError: One line listing each unreadable file and why.
    """
    folder = osp.dirname(files[0]) or '.'
    missing = [osp.basename(file) for file in files if not osp.isfile(file)]
    if missing:
        raise FileNotFoundError(
            f'{len(missing)} frames of {folder} do not exist: ' +
            ', '.join(missing) + '; check the image folder.')
    bad = []
    for file in files:
        problem = image_file_problem(file)
        if problem:
            bad.append(f'{osp.basename(file)} ({problem})')
    if bad:
        raise ValueError(f'{len(bad)} unreadable frames in {folder}: ' +
                         ', '.join(bad) + '; replace or remove them.')


def read_video(video: VideoInput) -> Tuple[List[np.ndarray], Optional[float]]:
    """All frames of a video, read into memory, and its frame rate.

    Args:
        video (str | list[str] | list[np.ndarray]): As :func:`open_video`.

    Returns:
        tuple: T (H, W, 3) BGR uint8 frames, and the file's frames per
        second (None for a folder, images, arrays or a file without a rate).

    Raises:
        FileNotFoundError: ``video`` or one of its image files does not
            exist.
        ValueError: No frame could be read, a frame is unreadable, or the
            frames are not (H, W, 3) uint8 arrays of one size.
    """
    frames = open_video(video)
    return list(frames), frames.fps


def _folder_files(path: str) -> List[str]:
    """The image files of a folder, sorted by name."""
    names = sorted(
        name for name in os.listdir(path)
        if name.lower().endswith(IMAGE_SUFFIXES))
    if not names:
        raise ValueError(
            f'folder {path} holds no image file ({", ".join(IMAGE_SUFFIXES)})'
            '; pass a folder of frames or a video file.')
    return [osp.join(path, name) for name in names]


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


def _count_frames(path: str) -> Tuple[int, Optional[float]]:
    """Frames of a video file (counted by decoding: containers may not
    say, or say wrong) and its frame rate."""
    capture = cv2.VideoCapture(path)
    num_frames = 0
    if capture.isOpened():
        while capture.grab():
            num_frames += 1
    fps = float(capture.get(cv2.CAP_PROP_FPS) or 0)
    capture.release()
    if not num_frames:
        raise ValueError(
            f'cannot read any frame from {path}; pass a video OpenCV decodes '
            '(re-encode it: ffmpeg -i IN -c:v libx264 OUT.mp4) or a folder '
            'of frames.')
    return num_frames, fps if np.isfinite(fps) and fps > 0 else None
