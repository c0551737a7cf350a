import os.path as osp

import pytest
from mmdet.datasets.samplers import TrackImgSampler
from mmengine.dataset import ConcatDataset
from mmengine.registry import DefaultScope

from mmpr.datasets import ConcatTrackImgSampler
from mmpr.datasets.toy_vis import VIDEO_CLASSES
from mmpr.registry import DATASETS


@pytest.fixture(scope='module')
def video_set(toy_root):
    with DefaultScope.overwrite_default_scope('mmpr'):
        return DATASETS.build(
            dict(
                type='YouTubeVISDataset',
                dataset_version='2019',
                data_root=osp.join(toy_root, 'youtube_vis_2019'),
                ann_file='annotations/youtube_vis_2019_train.json',
                data_prefix=dict(img_path='train/JPEGImages'),
                metainfo=dict(classes=VIDEO_CLASSES)))


def test_global_indices_of_a_concatenation(video_set):
    with DefaultScope.overwrite_default_scope('mmpr'):
        mix = DATASETS.build(
            dict(type='VideoConcatDataset', datasets=[video_set, video_set]))
    sampler = ConcatTrackImgSampler(mix, seed=3)
    indices = list(sampler)
    num_videos = len(video_set)
    assert len(indices) == len(sampler) == 2 * video_set.num_all_imgs
    assert sorted(indices) == [
        (video, frame) for video in range(2 * num_videos)
        for frame in range(video_set.get_len_per_video(video % num_videos))
    ]
    # shuffled per epoch, reproducibly
    assert indices == list(ConcatTrackImgSampler(mix, seed=3))
    sampler.set_epoch(1)
    assert list(sampler) != indices


def test_single_dataset_as_mmdet(video_set):
    assert list(ConcatTrackImgSampler(video_set, seed=0)) == list(
        TrackImgSampler(video_set, seed=0))


def test_plain_concat_is_rejected(video_set):
    with pytest.raises(TypeError, match='needs a VideoConcatDataset'):
        ConcatTrackImgSampler(ConcatDataset([video_set, video_set]))
