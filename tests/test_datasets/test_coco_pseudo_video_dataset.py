import json
import os.path as osp
from collections import Counter

import numpy as np
import pytest
from mmdet.datasets import CocoDataset
from mmdet.datasets.samplers import TrackImgSampler
from mmengine.registry import DefaultScope

from mmpr.datasets import (COCO_TO_OVIS, COCO_TO_YOUTUBE_VIS_2019,
                           COCO_TO_YOUTUBE_VIS_2021, CocoPseudoVideoDataset,
                           youtube_vis_classes)
from mmpr.datasets.toy_vis import COCO_CATEGORY_IDS, PRESETS, VIDEO_CLASSES
from mmpr.registry import DATASETS

ANN_FILE = 'annotations/instances_train2017.json'


def pseudo_video_pipeline():
    return [
        dict(type='PseudoVideoSample', angles=(-30, 0, 30)),
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
        dict(type='PackTrackInputs', meta_keys=('rotate_angle', )),
    ]


def build(toy_root, **kwargs):
    cfg = dict(
        type='CocoPseudoVideoDataset',
        data_root=osp.join(toy_root, 'coco'),
        ann_file=ANN_FILE,
        data_prefix=dict(img_path='train2017/'),
        metainfo=dict(classes=VIDEO_CLASSES))
    cfg.update(kwargs)
    with DefaultScope.overwrite_default_scope('mmpr'):
        return DATASETS.build(cfg)


def coco_json(toy_root):
    with open(osp.join(toy_root, 'coco', ANN_FILE)) as f:
        return json.load(f)


def anns_by_image(toy_root, category_names):
    cat_ids = {COCO_CATEGORY_IDS[name] for name in category_names}
    anns = {}
    for ann in coco_json(toy_root)['annotations']:
        if ann['category_id'] in cat_ids:
            anns.setdefault(ann['image_id'], []).append(ann)
    return anns


def test_matching_names_drop_the_other_categories(toy_root):
    dataset = build(toy_root)
    assert isinstance(dataset, CocoPseudoVideoDataset)
    expected = anns_by_image(toy_root, VIDEO_CLASSES)
    all_images = {image['id'] for image in coco_json(toy_root)['images']}
    # the toy set has images with only `star`: they are dropped
    assert set(expected) < all_images
    assert len(dataset) == len(expected)
    assert dataset.num_all_imgs == len(expected)
    label_of = {
        COCO_CATEGORY_IDS[name]: label
        for label, name in enumerate(VIDEO_CLASSES)
    }
    for index in range(len(dataset)):
        video = dataset.get_data_info(index)
        assert dataset.get_len_per_video(index) == 1
        assert video['video_length'] == 1
        frame = video['images'][0]
        assert video['video_id'] == frame['img_id']
        assert frame['frame_id'] == 0
        assert frame['img_path'].endswith(frame['file_name'])
        anns = expected[frame['img_id']]
        assert [inst['instance_id']
                for inst in frame['instances']] == [ann['id'] for ann in anns]
        assert [inst['bbox_label'] for inst in frame['instances']
                ] == [label_of[ann['category_id']] for ann in anns]
        x, y, w, h = anns[0]['bbox']
        assert frame['instances'][0]['bbox'] == [x, y, x + w, y + h]
        assert frame['instances'][0]['mask'] == anns[0]['segmentation']


def test_class_mapping_dict(toy_root):
    dataset = build(
        toy_root,
        metainfo=dict(classes=('box', 'ball')),
        class_mapping={
            'disc': 'ball',
            'square': 'box'
        })
    expected = anns_by_image(toy_root, ('disc', 'square'))
    assert len(dataset) == len(expected)
    for index in range(len(dataset)):
        frame = dataset.get_data_info(index)['images'][0]
        label_of = {
            ann['id']: ann['category_id']
            for ann in expected[frame['img_id']]
        }
        for instance in frame['instances']:
            category = label_of[instance['instance_id']]
            assert instance['bbox_label'] == (
                1 if category == COCO_CATEGORY_IDS['disc'] else 0)


def test_foreground(toy_root):
    dataset = build(
        toy_root,
        metainfo=dict(classes=('object', )),
        class_mapping='foreground')
    expected = anns_by_image(toy_root, COCO_CATEGORY_IDS)
    assert len(dataset) == len(expected)
    labels = [
        instance['bbox_label'] for index in range(len(dataset))
        for instance in dataset.get_data_info(index)['images'][0]['instances']
    ]
    assert labels == [0] * sum(len(anns) for anns in expected.values())


def test_min_size_filter(toy_root):
    short_side = min(PRESETS['tiny'].frame_size)
    kept = build(toy_root, filter_cfg=dict(min_size=short_side))
    assert len(kept) == len(build(toy_root)) > 0
    # mmengine cannot serialize an empty set
    dropped = build(
        toy_root,
        filter_cfg=dict(min_size=short_side + 1),
        serialize_data=False)
    assert len(dropped) == 0


@pytest.mark.parametrize('kwargs, error, message', [
    (dict(metainfo=None), ValueError, 'needs the target classes'),
    (dict(class_mapping='youtube'), ValueError,
     "must be a dict, None, 'foreground'"),
    (dict(class_mapping='foreground'), ValueError, 'exactly one target class'),
    (dict(class_mapping={'disk': 'disc'}), ValueError, r"lacks: \['disk'\]"),
    (dict(class_mapping={'disc': 'ball'}), ValueError,
     r"maps to \['ball'\], which are not in classes"),
    (dict(metainfo=dict(classes=('cat', ))), ValueError, 'no category of'),
])
def test_bad_arguments(toy_root, kwargs, error, message):
    with pytest.raises(error, match=message):
        build(toy_root, **kwargs)


@pytest.mark.parametrize('mapping, version', [
    (COCO_TO_YOUTUBE_VIS_2019, '2019'),
    (COCO_TO_YOUTUBE_VIS_2021, '2021'),
    (COCO_TO_OVIS, 'ovis'),
])
def test_coco_mappings(mapping, version):
    """COCO's category names onto the video set's class names."""
    assert set(mapping) <= set(CocoDataset.METAINFO['classes'])
    assert set(mapping.values()) <= set(youtube_vis_classes(version))
    assert 'mouse' not in mapping  # a computer mouse in COCO
    assert 'bird' not in mapping  # COCO birds hold what the sets label apart
    if version == 'ovis':  # one vehicle class
        assert {mapping[name]
                for name in ('car', 'bus', 'truck')} == {'Vehical'}
    else:
        assert len(set(mapping.values())) == len(mapping)
        assert mapping['motorcycle'] == 'motorbike'
        assert mapping['tennis racket'] == 'tennis_racket'


@pytest.mark.parametrize('mapping, classes, motorcycle',
                         [('youtube_vis_2019', 40, 'motorbike'),
                          ('ovis', 25, 'Motorcycle')])
def test_named_mapping_brings_the_video_set_classes(tmp_path, mapping, classes,
                                                    motorcycle):
    categories = [
        dict(id=i + 1, name=name)
        for i, name in enumerate(CocoDataset.METAINFO['classes'])
    ]
    used = [c for c in categories if c['name'] in ('motorcycle', 'mouse')]
    coco = dict(
        images=[dict(id=1, file_name='a.jpg', height=64, width=64)],
        annotations=[
            dict(
                id=i + 1,
                image_id=1,
                category_id=category['id'],
                bbox=[4, 4, 20, 20],
                area=400,
                iscrowd=0,
                segmentation=[[4, 4, 24, 4, 24, 24, 4, 24]])
            for i, category in enumerate(used)
        ],
        categories=categories)
    (tmp_path / 'instances.json').write_text(json.dumps(coco))
    with DefaultScope.overwrite_default_scope('mmpr'):
        dataset = DATASETS.build(
            dict(
                type='CocoPseudoVideoDataset',
                ann_file=str(tmp_path / 'instances.json'),
                class_mapping=mapping))
    names = dataset.metainfo['classes']
    assert len(names) == classes and names[0].lower() == 'person'
    instances = dataset.get_data_info(0)['images'][0]['instances']
    assert [names[i['bbox_label']] for i in instances] == [motorcycle]


def test_pipeline_packs_rotated_pairs(toy_root):
    dataset = build(toy_root, pipeline=pseudo_video_pipeline())
    annotated = anns_by_image(toy_root, VIDEO_CLASSES)
    sampler = TrackImgSampler(dataset, seed=0)
    assert len(sampler) == dataset.num_all_imgs
    angles = Counter()
    with DefaultScope.overwrite_default_scope('mmpr'):
        for video_idx, frame_idx in sampler:
            sample = dataset[video_idx, frame_idx]
            inputs, track_sample = sample['inputs'], sample['data_samples']
            assert inputs.shape[:2] == (2, 3)
            assert max(inputs.shape[2:]) <= 320
            assert (track_sample.key_frames_inds,
                    track_sample.ref_frames_inds) in (([0], [1]), ([1], [0]))
            frames = list(track_sample)
            assert frames[0].img_path == frames[1].img_path
            assert frames[0].rotate_angle < frames[1].rotate_angle
            angles.update(frame.rotate_angle for frame in frames)
            ann_ids = {ann['id'] for ann in annotated[frames[0].img_id]}
            labels = {}
            for frame in frames:
                gt = frame.gt_instances
                ids = gt.instances_ids.tolist()
                assert set(ids) <= ann_ids
                assert gt.masks.masks.shape[1:] == tuple(inputs.shape[2:])
                assert len(gt.masks) == len(gt.bboxes) == len(ids)
                for instance_id, label in zip(ids, gt.labels.tolist()):
                    assert labels.setdefault(instance_id, label) == label
            # the query's ids that guide it are in the guidance frame
            query = track_sample.get_key_frames()[0].gt_instances
            guidance = track_sample.get_ref_frames()[0].gt_instances
            shared = set(query.instances_ids.tolist()) & set(
                guidance.instances_ids.tolist())
            for instance_id in shared:
                assert instance_id in guidance.instances_ids.tolist()
            # a 0 degree frame keeps every annotated instance
            for frame in frames:
                if frame.rotate_angle == 0:
                    assert len(frame.gt_instances) == len(
                        annotated[frame.img_id])
    assert set(angles) == {-30, 0, 30}


def test_pipeline_masks_follow_the_image(toy_root):
    """The rotated image and masks agree: masked pixels are not border."""
    dataset = build(
        toy_root,
        pipeline=[
            dict(type='PseudoVideoSample', angles=(0, 30)),
            dict(
                type='TransformBroadcaster',
                transforms=[
                    dict(type='LoadImageFromFile'),
                    dict(type='LoadTrackAnnotations', with_mask=True),
                    dict(type='RotateFrame'),
                ]),
        ])
    with DefaultScope.overwrite_default_scope('mmpr'):
        results = dataset[0, 0]
    for img, masks, angle in zip(results['img'], results['gt_masks'],
                                 results['rotate_angle']):
        border = (img == 0).all(axis=2)
        assert border.any() == (angle != 0)
        assert not (border & masks.masks.any(axis=0)).any()
        assert np.all(masks.areas > 0)
