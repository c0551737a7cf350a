import os
import os.path as osp

import numpy as np
import pytest
from mmdet.datasets import CocoDataset, YouTubeVISDataset
from mmdet.evaluation.functional import YTVIS
from mmengine.config import Config
from mmengine.registry import DefaultScope
from PIL import Image

from mmpr.datasets.davis_uvos_dataset import davis_palette
from mmpr.datasets.toy_vis import (COCO_CLASSES, PRESETS, VIDEO_CLASSES,
                                   make_toy_vis)
from mmpr.registry import DATASETS

SMALL = dict(train_videos=2, valid_videos=1, coco_images=3)


def read_tree(root: str) -> dict:
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = osp.join(folder, name)
            with open(path, 'rb') as f:
                files[osp.relpath(path, root)] = f.read()
    return files


def test_same_seed_writes_same_files(tmp_path):
    make_toy_vis(str(tmp_path / 'a'), seed=3, overrides=SMALL)
    make_toy_vis(str(tmp_path / 'b'), seed=3, overrides=SMALL)
    make_toy_vis(str(tmp_path / 'c'), seed=4, overrides=SMALL)
    first = read_tree(str(tmp_path / 'a'))
    assert len(first) > 20
    assert first == read_tree(str(tmp_path / 'b'))
    assert first != read_tree(str(tmp_path / 'c'))


def tracks_of(ytvis: YTVIS) -> list:
    return list(ytvis.anns.values())


def test_official_json_has_the_hard_cases(toy_root):
    size = PRESETS['tiny']
    ytvis = YTVIS(osp.join(toy_root, 'youtube_vis_2019', 'train.json'))
    assert [c['name']
            for c in ytvis.dataset['categories']] == list(VIDEO_CLASSES)
    assert len(ytvis.vids) == size.train_videos
    width, height = size.frame_size
    for video in ytvis.vids.values():
        assert size.frames[0] <= video['length'] <= size.frames[1]
        assert len(video['file_names']) == video['length']
        for name in video['file_names']:
            assert osp.isfile(
                osp.join(toy_root, 'youtube_vis_2019', 'train', 'JPEGImages',
                         name))
    moved = rescaled = reentered = 0
    for track in tracks_of(ytvis):
        present = [box is not None for box in track['bboxes']]
        boxes = np.array([box for box in track['bboxes'] if box is not None])
        centers = boxes[:, :2] + boxes[:, 2:] / 2
        moved += np.ptp(centers, axis=0).max() > 3
        areas = [a for a in track['areas'] if a is not None]
        rescaled += max(areas) > 1.3 * min(areas)
        first, last = present.index(
            True), len(present) - present[::-1].index(True)
        reentered += not all(present[first:last])
    assert moved == len(ytvis.anns)
    assert rescaled >= len(ytvis.anns) // 2
    assert reentered >= 2
    # occlusion: overlapping boxes of two instances in one frame
    occluded = 0
    for video_id in ytvis.vids:
        tracks = ytvis.vidToAnns[video_id]
        for t in range(ytvis.vids[video_id]['length']):
            boxes = [tr['bboxes'][t] for tr in tracks if tr['bboxes'][t]]
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    occluded += (min(a[0] + a[2], b[0] + b[2]) > max(
                        a[0], b[0])) and (min(a[1] + a[3], b[1] + b[3]) > max(
                            a[1], b[1]))
    assert occluded >= 1
    # every box lies inside the frame
    for track in tracks_of(ytvis):
        for box in filter(None, track['bboxes']):
            assert box[0] >= 0 and box[0] + box[2] <= width
            assert box[1] >= 0 and box[1] + box[3] <= height


def test_prepared_set_loads_with_mmdet_dataset(toy_root, repo_root):
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs', '_base_', 'datasets', 'toy_vis.py'))
    data_root = osp.join(toy_root, 'youtube_vis_2019')
    coco_cfg, video_cfg = cfg.train_dataloader.dataset.datasets
    coco_cfg.data_root = osp.join(toy_root, 'coco')
    val_cfg = cfg.val_dataloader.dataset
    video_cfg.data_root = val_cfg.data_root = data_root
    with DefaultScope.overwrite_default_scope('mmpr'):
        train_set = DATASETS.build(cfg.train_dataloader.dataset)
        val_set = DATASETS.build(val_cfg)
    video_set = train_set.datasets[1]
    assert isinstance(video_set, YouTubeVISDataset)
    assert train_set.metainfo['classes'] == VIDEO_CLASSES
    size = PRESETS['tiny']
    assert len(video_set) == size.train_videos
    assert len(val_set) == size.valid_videos

    # a query frame of the first video, as TrackImgSampler indexes it
    sample = train_set[(len(train_set.datasets[0]), 0)]
    assert tuple(sample['inputs'].shape[:2]) == (2, 3)
    for frame in sample['data_samples']:
        assert len(frame.gt_instances) > 0
        assert frame.gt_instances.masks.masks.shape[1:] == tuple(
            sample['inputs'].shape[2:])

    video = val_set[0]
    official = YTVIS(osp.join(data_root, 'valid.json'))
    first = official.vids[min(official.vids)]
    assert video['inputs'].shape[0] == first['length']
    expected = [
        sum(track['bboxes'][t] is not None for track in official.anns.values()
            if track['video_id'] == first['id'])
        for t in range(first['length'])
    ]
    assert [len(f.gt_instances) for f in video['data_samples']] == expected


def test_coco_set_loads_with_mmdet_dataset(toy_root):
    with DefaultScope.overwrite_default_scope('mmpr'):
        coco = CocoDataset(
            data_root=osp.join(toy_root, 'coco'),
            ann_file='annotations/instances_train2017.json',
            data_prefix=dict(img='train2017/'),
            metainfo=dict(classes=COCO_CLASSES),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            ])
        sample = coco[0]
    assert len(coco) > 0
    assert sample['gt_masks'].masks.shape[0] == len(sample['gt_bboxes'])
    assert sample['gt_masks'].masks.any(axis=(1, 2)).all()


def test_davis_layout(toy_root):
    root = osp.join(toy_root, 'DAVIS')
    size = PRESETS['tiny']
    palette = davis_palette()
    assert palette[:3].tolist() == [[0, 0, 0], [128, 0, 0], [0, 128, 0]]
    all_names = []
    for split, num_videos in (('train', size.train_videos),
                              ('val', size.valid_videos)):
        with open(osp.join(root, 'ImageSets', '2019', f'{split}.txt')) as f:
            names = f.read().split()
        assert len(names) == num_videos
        all_names += names
        for name in names:
            img_dir = osp.join(root, 'JPEGImages', '480p', name)
            ann_dir = osp.join(root, 'Annotations_unsupervised', '480p', name)
            frames = sorted(os.listdir(img_dir))
            assert size.frames[0] <= len(frames) <= size.frames[1]
            assert [f'{jpg[:-4]}.png'
                    for jpg in frames] == sorted(os.listdir(ann_dir))
            objects = set()
            for frame in frames:
                png = Image.open(osp.join(ann_dir, f'{frame[:-4]}.png'))
                assert png.mode == 'P'
                assert png.size == size.frame_size
                np.testing.assert_array_equal(
                    np.reshape(png.getpalette(), (-1, 3)), palette)
                objects |= set(np.unique(np.array(png)).tolist())
            assert {1, 2, 3} <= objects <= set(range(size.max_instances + 1))
    assert len(set(all_names)) == len(all_names)


def test_2021_layout(tmp_path):
    written = make_toy_vis(str(tmp_path), version='2021', overrides=SMALL)
    assert written['youtube_vis_train'] == str(tmp_path / 'youtube_vis_2021' /
                                               'train' / 'instances.json')
    assert len(YTVIS(written['youtube_vis_valid']).vids) == 1
    assert written['davis_root'] == str(tmp_path / 'DAVIS')


def test_without_davis(tmp_path):
    written = make_toy_vis(str(tmp_path), overrides=SMALL, davis=False)
    assert 'davis_root' not in written
    assert not (tmp_path / 'DAVIS').exists()
    assert len(YTVIS(written['youtube_vis_valid']).vids) == 1


@pytest.mark.parametrize('kwargs, message', [
    (dict(preset='huge'), 'unknown toy preset'),
    (dict(version='2020'), "version must be '2019', '2021', '2022' or 'ovis'"),
    (dict(overrides=dict(max_instances=2)), 'max_instances must be'),
])
def test_bad_arguments(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_toy_vis(str(tmp_path), **kwargs)


def test_more_instances_than_the_scripted_roles(tmp_path):
    """``max_instances`` above the 3 scripted roles adds random tracks (the
    small preset's 4)."""
    written = make_toy_vis(
        str(tmp_path),
        overrides=dict(SMALL, max_instances=4, train_videos=3),
        davis=False)
    vis = YTVIS(written['youtube_vis_train'])
    per_video = [len(vis.getAnnIds(vidIds=[v])) for v in vis.getVidIds()]
    assert max(per_video) == 4 and min(per_video) >= 3


def test_uncompressed_rle_of_a_mask_starting_in_the_corner():
    from pycocotools import mask as mask_utils

    from mmpr.datasets.toy_vis import uncompressed_rle
    mask = np.zeros((4, 5), np.uint8)
    mask[:2, :2] = 1  # the first pixel (column-major) is foreground
    rle = uncompressed_rle(mask)
    assert rle['counts'][0] == 0  # runs start with (empty) background
    decoded = mask_utils.decode(mask_utils.frPyObjects(rle, 4, 5))
    np.testing.assert_array_equal(decoded, mask)
