import logging
import os

import cv2
import mmcv
import numpy as np
import pytest

from mmpr.visualization import (FrameFolderWriter, VideoWriter, atomic_path,
                                open_frame_writer, video_writer)


def frames(num: int, height: int = 48, width: int = 64) -> list:
    return [np.full((height, width, 3), 20 * t, np.uint8) for t in range(num)]


def codec(path: str) -> bytes:
    fourcc = int(cv2.VideoCapture(path).get(cv2.CAP_PROP_FOURCC))
    return fourcc.to_bytes(4, 'little')


def test_h264_mp4_with_every_frame(tmp_path):
    path = str(tmp_path / 'out.mp4')
    with VideoWriter(path, fps=4) as writer:
        for frame in frames(5, 47, 63):  # odd: padded to 48 x 64
            writer.write(frame)
    reader = mmcv.VideoReader(path)
    assert (reader.height, reader.width, reader.fps) == (48, 64, 4)
    read = list(reader)
    assert len(read) == 5
    assert abs(int(read[3][10, 10, 0]) - 60) <= 8  # yuv420p rounding
    assert codec(path) in (b'avc1', b'h264')
    assert os.listdir(tmp_path) == ['out.mp4']


def test_falls_back_to_opencv_mp4v_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(video_writer, 'imageio_ffmpeg', None)
    logged = []
    monkeypatch.setattr(video_writer, 'print_log',
                        lambda msg, **kwargs: logged.append((msg, kwargs)))
    path = str(tmp_path / 'out.mp4')
    with VideoWriter(path, fps=4) as writer:
        for frame in frames(3):
            writer.write(frame)
    [(message, kwargs)] = logged
    assert 'pip install imageio-ffmpeg' in message
    assert kwargs['level'] == logging.WARNING
    assert len(list(mmcv.VideoReader(path))) == 3
    assert codec(path) not in (b'avc1', b'h264')  # MPEG-4 part 2


def test_a_failed_write_keeps_the_old_output(tmp_path):
    path = tmp_path / 'out.mp4'
    path.write_bytes(b'old video')
    with pytest.raises(RuntimeError, match='drawing failed'):
        with VideoWriter(str(path), fps=4) as writer:
            writer.write(frames(1)[0])
            raise RuntimeError('drawing failed')
    with pytest.raises(ValueError, match='no frame was written'):
        with VideoWriter(str(path), fps=4):
            pass
    with pytest.raises(ValueError, match='the video is 64x48'):
        with VideoWriter(str(path), fps=4) as writer:
            writer.write(frames(1)[0])
            writer.write(frames(1, 32, 32)[0])
    assert path.read_bytes() == b'old video'
    assert os.listdir(tmp_path) == ['out.mp4']
    with pytest.raises(KeyError):
        with atomic_path(str(path)) as tmp:
            open(tmp, 'w').close()
            raise KeyError
    assert os.listdir(tmp_path) == ['out.mp4']


def test_folder_without_video_suffix(tmp_path):
    out = str(tmp_path / 'drawn')
    assert isinstance(open_frame_writer(out + '.mp4', 5), VideoWriter)
    with open_frame_writer(out, 5) as writer:
        assert isinstance(writer, FrameFolderWriter)
        for frame in frames(3):
            writer.write(frame)
    assert sorted(os.listdir(out)) == ['00000.jpg', '00001.jpg', '00002.jpg']
