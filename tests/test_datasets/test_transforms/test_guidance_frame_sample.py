import copy
import random
from collections import Counter

import pytest
from mmdet.datasets.samplers import TrackImgSampler
from mmengine.registry import DefaultScope

from mmpr.datasets.toy_vis import VIDEO_CLASSES
from mmpr.datasets.transforms import GuidanceFrameSample, is_valid_guidance
from mmpr.registry import DATASETS


def instances(*id_labels):
    return [
        dict(instance_id=instance_id, bbox_label=label, bbox=[0, 0, 1, 1])
        for instance_id, label in id_labels
    ]


def video(frames, video_id=7):
    return dict(
        video_id=video_id,
        video_length=len(frames),
        images=[
            dict(img_id=index + 1, frame_id=index, instances=instances(*ids))
            for index, ids in enumerate(frames)
        ])


@pytest.mark.parametrize(
    'query, guidance, valid',
    [
        # every query id of the shared categories is there
        ([(1, 0), (2, 1)], [(1, 0), (2, 1), (3, 0)], True),
        # category 1 is absent from the guidance frame: only category 0 counts
        ([(1, 0), (2, 1)], [(1, 0)], True),
        # query id 2 of the shared category 0 is missing
        ([(1, 0), (2, 0)], [(1, 0)], False),
        # query id 3 of the shared category 1 is missing, though 1 is shared
        ([(1, 0), (3, 1)], [(1, 0), (4, 1)], False),
        # no shared id
        ([(1, 0)], [(2, 0)], False),
        ([(1, 0)], [(2, 1)], False),
        ([(1, 0)], [], False),
        ([], [(1, 0)], False),
    ])
def test_is_valid_guidance(query, guidance, valid):
    assert is_valid_guidance(instances(*query), instances(*guidance)) is valid


def crafted_video():
    """Frames with different instance sets; 5 is an unannotated frame."""
    return video([
        [(1, 0), (2, 0), (3, 1)],  # 0
        [(1, 0), (2, 0)],  # 1: valid for 0 (category 1 absent)
        [(1, 0), (3, 1)],  # 2: misses id 2 of category 0 for query 0
        [(1, 0), (2, 0), (3, 1), (4, 1)],  # 3: valid for 0, 1, 2
        [(5, 0)],  # 4: shares no id with any other frame
        [],  # 5
    ])


def test_sample_never_breaks_the_rule():
    random.seed(0)
    sampler = GuidanceFrameSample()
    source = crafted_video()
    frames = source['images']
    for query_id in range(len(frames)):
        drawn = Counter()
        for _ in range(200):
            results = sampler(
                dict(copy.deepcopy(source), key_frame_id=query_id))
            frame_ids = results['frame_id']
            query = frame_ids[results['key_frame_flags'].index(True)]
            guidance = frame_ids[results['key_frame_flags'].index(False)]
            assert query == query_id
            assert frame_ids == sorted(frame_ids)
            drawn[guidance] += 1
        valid = {
            index
            for index, frame in enumerate(frames)
            if index != query_id and is_valid_guidance(
                frames[query_id]['instances'], frame['instances'])
        }
        # every valid frame is drawn, and nothing else; the query itself
        # only when no frame is valid
        assert set(drawn) == (valid or {query_id})
    assert GuidanceFrameSample().sample_guidance(source, 0) in (1, 3)


def test_frame_range_limits_the_distance():
    random.seed(3)
    # one instance in every frame: any frame is valid
    source = video([[(1, 0)]] * 10)
    sampler = GuidanceFrameSample(frame_range=2)
    drawn = {sampler.sample_guidance(source, 5) for _ in range(200)}
    assert drawn == {3, 4, 6, 7}
    assert {sampler.sample_guidance(source, 0) for _ in range(100)} == {1, 2}
    with pytest.raises(ValueError, match='frame_range must be >= 1'):
        GuidanceFrameSample(frame_range=0)


def test_fallback_to_the_query_frame():
    results = GuidanceFrameSample()(dict(crafted_video(), key_frame_id=4))
    assert results['frame_id'] == [4, 4]
    assert results['key_frame_flags'] == [True, False]


def test_output_format():
    random.seed(1)
    results = GuidanceFrameSample()(dict(crafted_video(), key_frame_id=3))
    assert len(results['key_frame_flags']) == 2
    assert sum(results['key_frame_flags']) == 1
    for key in ('img_id', 'frame_id', 'instances', 'video_id', 'video_length',
                'ori_video_length'):
        assert len(results[key]) == 2
    assert results['video_id'] == [7, 7]
    assert results['video_length'] == [2, 2]
    assert results['ori_video_length'] == [6, 6]


def test_random_query_without_key_frame_id():
    random.seed(2)
    queries = set()
    for _ in range(100):
        results = GuidanceFrameSample()(crafted_video())
        queries.add(
            results['frame_id'][results['key_frame_flags'].index(True)])
    assert queries == set(range(6))


def test_video_without_frames():
    with pytest.raises(ValueError, match='video 7 has no frames'):
        GuidanceFrameSample()(video([]))


def test_youtube_vis_pipeline_packs_guided_pairs(toy_root):
    pipeline = [
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
    random.seed(0)
    with DefaultScope.overwrite_default_scope('mmpr'):
        dataset = DATASETS.build(
            dict(
                type='YouTubeVISDataset',
                dataset_version='2019',
                data_root=f'{toy_root}/youtube_vis_2019',
                ann_file='annotations/youtube_vis_2019_train.json',
                data_prefix=dict(img_path='train/JPEGImages'),
                metainfo=dict(classes=VIDEO_CLASSES),
                pipeline=pipeline))
        sampler = TrackImgSampler(dataset, seed=0)
        queries = set()
        for video_idx, frame_idx in sampler:
            sample = dataset[video_idx, frame_idx]
            inputs, track_sample = sample['inputs'], sample['data_samples']
            assert inputs.shape[:2] == (2, 3)
            assert max(inputs.shape[2:]) <= 320
            query = track_sample.get_key_frames()[0]
            guidance = track_sample.get_ref_frames()[0]
            frames = dataset.get_data_info(video_idx)['images']
            assert query.frame_id == frames[frame_idx]['frame_id']
            queries.add((int(video_idx), query.frame_id))
            assert query.flip == guidance.flip
            assert query.img_shape == guidance.img_shape
            query_gt, guidance_gt = query.gt_instances, guidance.gt_instances
            assert query_gt.masks.masks.shape[1:] == tuple(inputs.shape[2:])
            if query.frame_id != guidance.frame_id:
                assert is_valid_guidance(query.instances, guidance.instances)
            # every query id of the categories both frames hold guides it
            guidance_ids = dict(
                zip(guidance_gt.instances_ids.tolist(),
                    guidance_gt.labels.tolist()))
            for instance_id, label in zip(query_gt.instances_ids.tolist(),
                                          query_gt.labels.tolist()):
                if label in guidance_ids.values():
                    assert guidance_ids[instance_id] == label
    # each annotated frame was the query once
    assert len(queries) == len(sampler) == dataset.num_all_imgs
