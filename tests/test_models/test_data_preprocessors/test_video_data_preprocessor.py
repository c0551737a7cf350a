import copy

import numpy as np
import pytest
import torch
from mmdet.models.data_preprocessors import TrackDataPreprocessor
from mmdet.structures import DetDataSample, TrackDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.structures import InstanceData

from mmpr.models import NormalisedFrames, VideoDataPreprocessor

# the paper configs' settings: mmdet's Mask R-CNN mean/std, RGB, /32
SETTINGS = dict(
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_size_divisor=32,
    pad_value=0,
    pad_mask=True)
T, H, W = 5, 50, 70  # padded to (64, 96)


def video_batch(num_frames=T, with_masks=False):
    """A batch of one (T, 3, H, W) uint8 video and its samples."""
    generator = torch.Generator().manual_seed(0)
    frames = torch.randint(
        0, 256, (num_frames, 3, H, W), generator=generator, dtype=torch.uint8)
    video = TrackDataSample()
    video.video_data_samples = [
        DetDataSample(metainfo=dict(img_shape=(H, W), frame_id=t))
        for t in range(num_frames)
    ]
    if with_masks:
        for sample in video:
            sample.gt_instances = InstanceData(
                masks=BitmapMasks(np.ones((1, H, W), np.uint8), H, W))
    return dict(inputs=[frames], data_samples=[video])


def test_test_mode_keeps_the_video_uint8_on_the_cpu():
    preprocessor = VideoDataPreprocessor(**SETTINGS)
    data = video_batch()
    frames = data['inputs'][0]
    out = preprocessor(data, training=False)
    # the very tensor, wrapped: normalised only when a frame is read
    video = out['inputs'][0]
    assert isinstance(video, NormalisedFrames) and video.frames is frames
    assert len(video) == T
    assert frames.dtype == torch.uint8 and frames.device.type == 'cpu'
    for sample in out['data_samples'][0]:
        assert sample.batch_input_shape == (64, 96)
        assert sample.pad_shape == (64, 96)


def test_frames_read_on_demand_are_passed_as_they_are():
    preprocessor = VideoDataPreprocessor(**SETTINGS)
    data = video_batch()
    frames = list(data['inputs'][0])  # any sequence of (C, H, W) frames
    data['inputs'] = [frames]
    out = preprocessor(data, training=False)
    assert out['inputs'][0].frames is frames
    assert out['data_samples'][0][0].batch_input_shape == (64, 96)


@pytest.mark.parametrize('chunk', [1, 2])
def test_per_frame_normalisation_equals_the_whole_video(chunk):
    data = video_batch()
    whole = TrackDataPreprocessor(**SETTINGS)(copy.deepcopy(data), False)
    expected = whole['inputs'][0]  # (T, 3, 64, 96) float
    preprocessor = VideoDataPreprocessor(**SETTINGS)
    out = preprocessor(data, False)
    frames = out['inputs'][0].frames
    streamed = torch.cat([
        preprocessor.preprocess_frames(frames[t:t + chunk])
        for t in range(0, T, chunk)
    ])
    # as the model reads them: one normalised frame at a time
    assert torch.equal(
        torch.stack([out['inputs'][0][t] for t in range(T)]), expected)
    assert streamed.dtype == torch.float32
    assert streamed.is_contiguous()
    assert torch.equal(streamed, expected)  # bit for bit
    # RGB from BGR; padding after normalisation keeps pad_value
    assert torch.equal(streamed[0, 0, :H, :W],
                       (frames[0, 2].float() - SETTINGS['mean'][0]) /
                       SETTINGS['std'][0])
    assert not streamed[:, :, H:].any() and not streamed[:, :, :, W:].any()
    # the sample metainfo is the whole-video preprocessor's
    for ours, theirs in zip(out['data_samples'][0], whole['data_samples'][0]):
        assert ours.batch_input_shape == theirs.batch_input_shape
        assert ours.pad_shape == theirs.pad_shape


def test_training_is_track_data_preprocessor():
    data = video_batch(num_frames=2, with_masks=True)
    theirs = TrackDataPreprocessor(**SETTINGS)(copy.deepcopy(data), True)
    ours = VideoDataPreprocessor(**SETTINGS)(data, True)
    assert ours['inputs'].dtype == torch.float32
    assert torch.equal(ours['inputs'], theirs['inputs'])
    assert ours['data_samples'][0][0].gt_instances.masks.masks.shape == (1, 64,
                                                                         96)
