import os.path as osp

import cv2
import numpy as np
import pytest
import torch

from mmpr.apis import (PipelineFrames, VideoFrames, build_video_pipeline,
                       open_video, read_video, video_reader)
from mmpr.launch import register_all_modules
from mmpr.utils import load_config

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'


def moving_frames(num_frames, height=48, width=64):
    """Frames with a square moving 3 pixels a frame on noise."""
    rng = np.random.default_rng(0)
    background = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    frames = []
    for t in range(num_frames):
        frame = background.copy()
        x = (3 * t) % (width - 12)
        frame[10:22, x:x + 12] = (40 * t % 256, 255, 0)
        frames.append(frame)
    return frames


@pytest.fixture(scope='module')
def h264(tmp_path_factory):
    """A 40-frame H.264 mp4 with a keyframe every 7 frames and B-frames,
    so that reading backward seeks across groups of pictures."""
    imageio_ffmpeg = pytest.importorskip('imageio_ffmpeg')
    path = str(tmp_path_factory.mktemp('h264') / 'video.mp4')
    writer = imageio_ffmpeg.write_frames(
        path, (64, 48),
        fps=10,
        pix_fmt_in='bgr24',
        codec='libx264',
        macro_block_size=1,
        output_params=['-g', '7', '-bf', '2'])
    writer.send(None)
    for frame in moving_frames(40):
        writer.send(frame.tobytes())
    writer.close()
    return path


def sequential(path):
    """Every frame of a video file, decoded in order."""
    capture = cv2.VideoCapture(path)
    frames = []
    ok, frame = capture.read()
    while ok:
        frames.append(frame)
        ok, frame = capture.read()
    return frames


@pytest.mark.parametrize('block_size', [1, 4, 32, 64])
def test_video_file_read_in_any_order_equals_decoding_in_order(
        h264, block_size):
    expected = sequential(h264)
    frames = VideoFrames(h264, block_size=block_size)
    assert len(frames) == len(expected) == 40 and frames.fps == 10
    # the two passes of Propose-Reduce, then a jump and the end
    order = list(range(40)) + list(range(30, -1, -1)) + [17, 39, 0]
    for t in order:
        assert np.array_equal(frames[t], expected[t]), t
    assert len(frames._blocks) <= block_size  # never the whole video
    assert np.array_equal(frames[-1], expected[-1])
    with pytest.raises(IndexError):
        frames[40]


def test_toy_mp4_and_folder_read_backward(toy_video):
    for video in (toy_video.mp4, toy_video.folder):
        frames = open_video(video)
        expected, _ = read_video(video)
        for t in reversed(range(len(frames))):
            assert np.array_equal(frames[t], expected[t])
    # the lossless folder holds the frames themselves
    assert all(
        np.array_equal(a, b) for a, b in zip(expected, toy_video.frames))


def test_folder_frames_are_read_when_indexed(toy_video, monkeypatch):
    reads = []
    imread = video_reader.mmcv.imread

    def spy(file):
        reads.append(file)
        return imread(file)

    monkeypatch.setattr(video_reader.mmcv, 'imread', spy)
    frames = open_video(toy_video.folder)
    assert len(frames) == len(toy_video.frames) and len(reads) == 1
    frames[5]
    assert len(reads) == 2 and reads[-1].endswith('00005.png')


def test_lazy_frames_are_checked_when_read(tmp_path, toy_video):
    folder = tmp_path / 'frames'
    folder.mkdir()
    cv2.imwrite(str(folder / '00000.png'), toy_video.frames[0])
    cv2.imwrite(str(folder / '00001.png'), toy_video.frames[1][:50])
    frames = open_video(str(folder))  # frame 0 is read and checked
    with pytest.raises(ValueError, match='frame 1 is'):
        frames[1]
    assert open_video(frames) is frames


def test_pipeline_frames_equal_the_whole_video_pipeline(repo_root, toy_video):
    register_all_modules()
    cfg = load_config(osp.join(repo_root, TOY_CONFIG))
    pipeline = build_video_pipeline(cfg)
    frames = toy_video.frames[:3]
    num_frames = len(frames)
    whole = pipeline(
        dict(
            img=frames,
            img_id=list(range(num_frames)),
            frame_id=list(range(num_frames)),
            video_id=[0] * num_frames,
            video_length=[num_frames] * num_frames,
            ori_video_length=[num_frames] * num_frames))
    streamed = PipelineFrames(open_video(frames), pipeline)
    assert len(streamed) == num_frames
    for t in range(num_frames):
        assert streamed[t].dtype == torch.uint8
        assert torch.equal(streamed[t], whole['inputs'][t])
    sample = streamed.video_sample()
    assert len(sample) == num_frames
    for ours, theirs in zip(sample, whole['data_samples']):
        assert ours.metainfo == theirs.metainfo


def test_unreadable_frames_are_named_before_any_work(tmp_path, toy_video,
                                                     run_tool, repo_root,
                                                     assert_one_line_error):
    """An empty file, a truncated JPEG and a non-image with an image suffix
    are named together when the folder is opened, before a frame is
    decoded (and tools/demo.py stops with that one line)."""
    folder = tmp_path / 'frames'
    folder.mkdir()
    for t, frame in enumerate(toy_video.frames[:3]):
        cv2.imwrite(str(folder / f'{t:05d}.jpg'), frame)
    (folder / '00003.jpg').write_bytes(b'')
    whole = (folder / '00000.jpg').read_bytes()
    (folder / '00004.jpg').write_bytes(whole[:len(whole) // 2])
    (folder / '00005.png').write_text('not a frame')
    expected = ('3 unreadable frames in {}: 00003.jpg (empty file), '
                '00004.jpg (truncated JPEG), 00005.png (not an image); '
                'replace or remove them.').format(folder)
    with pytest.raises(ValueError) as error:
        open_video(str(folder))
    assert str(error.value) == expected
    with pytest.raises(ValueError, match='1 unreadable frames'):
        open_video([str(folder / '00000.jpg'), str(folder / '00003.jpg')])
    done = run_tool('demo.py', str(folder), osp.join(repo_root, TOY_CONFIG),
                    '--out-json', str(tmp_path / 'out.json'))
    assert_one_line_error(done, expected)
    assert not (tmp_path / 'out.json').exists()
