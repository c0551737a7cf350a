import os.path as osp
from collections import Counter

import pytest
from mmdet.datasets.samplers import TrackImgSampler
from mmengine.dataset import ConcatDataset
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mmpr.datasets import ConcatTrackImgSampler, VideoConcatDataset
from mmpr.datasets.toy_vis import VIDEO_CLASSES
from mmpr.registry import DATASETS

PSEUDO_VIDEO_PIPELINE = [
    dict(type='PseudoVideoSample'),
    dict(
        type='TransformBroadcaster',
        share_random_params=True,
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotations', with_mask=True),
            dict(type='RotateFrame'),
            dict(type='Resize', scale=(320, 192), keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
        ]),
    dict(type='PackTrackInputs'),
]
VIDEO_PIPELINE = [
    dict(type='GuidanceFrameSample'),
    dict(
        type='TransformBroadcaster',
        share_random_params=True,
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotations', with_mask=True),
            dict(type='Resize', scale=(320, 192), keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
        ]),
    dict(type='PackTrackInputs'),
]


def coco_cfg(toy_root, pipeline=()):
    return dict(
        type='CocoPseudoVideoDataset',
        data_root=osp.join(toy_root, 'coco'),
        ann_file='annotations/instances_train2017.json',
        data_prefix=dict(img_path='train2017/'),
        metainfo=dict(classes=VIDEO_CLASSES),
        pipeline=list(pipeline))


def youtube_vis_cfg(toy_root, pipeline=(), **kwargs):
    return dict(
        type='YouTubeVISDataset',
        dataset_version='2019',
        data_root=osp.join(toy_root, 'youtube_vis_2019'),
        ann_file='annotations/youtube_vis_2019_train.json',
        data_prefix=dict(img_path='train/JPEGImages'),
        metainfo=dict(classes=VIDEO_CLASSES),
        pipeline=list(pipeline),
        **kwargs)


def build(cfg):
    with DefaultScope.overwrite_default_scope('mmpr'):
        return DATASETS.build(cfg)


def test_mix_of_coco_and_youtube_vis(toy_root):
    mix = build(
        dict(
            type='VideoConcatDataset',
            datasets=[
                coco_cfg(toy_root, PSEUDO_VIDEO_PIPELINE),
                youtube_vis_cfg(toy_root, VIDEO_PIPELINE)
            ]))
    assert isinstance(mix, VideoConcatDataset)
    coco, youtube_vis = mix.datasets
    assert mix.num_all_imgs == coco.num_all_imgs + youtube_vis.num_all_imgs
    assert mix.get_len_per_video(0) == 1
    assert mix.get_len_per_video(len(coco)) == youtube_vis.get_len_per_video(0)
    expected = Counter(frame['img_path'] for dataset in mix.datasets
                       for index in range(len(dataset))
                       for frame in dataset.get_data_info(index)['images'])
    sampler = ConcatTrackImgSampler(mix, seed=0)
    assert len(sampler) == mix.num_all_imgs
    queries = Counter()
    with DefaultScope.overwrite_default_scope('mmpr'):
        for idx in sampler:
            sample = mix[idx]
            assert sample['inputs'].shape[:2] == (2, 3)
            track_sample = sample['data_samples']
            query = track_sample.get_key_frames()[0]
            guidance = track_sample.get_ref_frames()[0]
            queries[query.img_path] += 1
            query_ids = set(query.gt_instances.instances_ids.tolist())
            guidance_ids = set(guidance.gt_instances.instances_ids.tolist())
            if 'coco' in query.img_path:
                assert query.img_path == guidance.img_path
            else:
                # one class per id: the query's ids of the shared classes
                # are all in the guidance frame
                shared = set(query.gt_instances.labels.tolist()) & set(
                    guidance.gt_instances.labels.tolist())
                for instance_id, label in zip(
                        query.gt_instances.instances_ids.tolist(),
                        query.gt_instances.labels.tolist()):
                    if label in shared:
                        assert instance_id in guidance_ids
                assert query_ids & guidance_ids
    # every frame of both sets was the query exactly once
    assert queries == expected


def test_dataloader_from_config(toy_root):
    with DefaultScope.overwrite_default_scope('mmpr'):
        loader = Runner.build_dataloader(
            dict(
                batch_size=2,
                num_workers=0,
                sampler=dict(type='ConcatTrackImgSampler', seed=0),
                batch_sampler=dict(type='TrackAspectRatioBatchSampler'),
                dataset=dict(
                    type='VideoConcatDataset',
                    datasets=[
                        coco_cfg(toy_root, PSEUDO_VIDEO_PIPELINE),
                        youtube_vis_cfg(toy_root, VIDEO_PIPELINE)
                    ])),
            seed=0)
        batch = next(iter(loader))
    assert len(batch['inputs']) == len(batch['data_samples']) == 2
    assert all(inputs.shape[:2] == (2, 3) for inputs in batch['inputs'])


def test_integer_index_is_a_video(toy_root):
    mix = build(
        dict(
            type='VideoConcatDataset',
            datasets=[coco_cfg(toy_root),
                      youtube_vis_cfg(toy_root)]))
    coco, youtube_vis = mix.datasets
    last = mix[len(coco)]
    assert last['video_id'] == youtube_vis.get_data_info(0)['video_id']
    assert mix[len(coco), 2]['key_frame_id'] == 2
    with pytest.raises(ValueError, match=r'must be \(video_idx, frame_idx\)'):
        mix[0, 0, 0]


def test_mmdet_sampler_cannot_index_a_plain_concat(toy_root):
    """Why VideoConcatDataset exists: mmdet 3.3 fails on this pair."""
    plain = ConcatDataset(
        [build(coco_cfg(toy_root)),
         build(youtube_vis_cfg(toy_root))])
    with pytest.raises(TypeError):
        plain[next(iter(TrackImgSampler(plain, seed=0)))]


def test_rejects_other_datasets(toy_root):
    with pytest.raises(TypeError, match='not a BaseVideoDataset'):
        VideoConcatDataset([
            build(youtube_vis_cfg(toy_root)),
            build(
                dict(
                    type='CocoDataset',
                    data_root=osp.join(toy_root, 'coco'),
                    ann_file='annotations/instances_train2017.json',
                    data_prefix=dict(img='train2017/'),
                    metainfo=dict(classes=VIDEO_CLASSES)))
        ],
                           ignore_keys='palette')
    with pytest.raises(ValueError, match='is in test mode'):
        VideoConcatDataset([build(youtube_vis_cfg(toy_root, test_mode=True))])
