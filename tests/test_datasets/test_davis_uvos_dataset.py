import os
import os.path as osp

import numpy as np
import pycocotools.mask as mask_utils
import pytest
from mmdet.datasets.samplers import TrackImgSampler
from mmengine.registry import DefaultScope
from PIL import Image

from mmpr.datasets import DAVISUVOSDataset, is_valid_guidance
from mmpr.datasets.davis_uvos_dataset import davis_palette
from mmpr.datasets.toy_vis import PRESETS
from mmpr.registry import DATASETS


def train_pipeline():
    return [
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


def eval_pipeline():
    return [
        dict(
            type='TransformBroadcaster',
            transforms=[
                dict(type='LoadImageFromFile'),
                dict(type='Resize', scale=(320, 192), keep_ratio=True),
                dict(type='LoadTrackAnnotations', with_mask=True),
            ]),
        dict(type='PackTrackInputs'),
    ]


def build(data_root, **kwargs):
    with DefaultScope.overwrite_default_scope('mmpr'):
        return DATASETS.build(
            dict(type='DAVISUVOSDataset', data_root=data_root, **kwargs))


def read_png(path):
    return np.array(Image.open(path))


def test_toy_set_instances(toy_root):
    root = osp.join(toy_root, 'DAVIS')
    dataset = build(root, split='train')
    assert isinstance(dataset, DAVISUVOSDataset)
    assert dataset.metainfo['classes'] == ('object', )
    assert len(dataset) == PRESETS['tiny'].train_videos
    with open(osp.join(root, 'ImageSets', '2019', 'train.txt')) as f:
        names = f.read().split()
    ids = set()
    for index in range(len(dataset)):
        video = dataset.get_data_info(index)
        assert video['video_length'] == len(video['images'])
        for frame in video['images']:
            assert frame['video_name'] == names[index]
            assert frame['img_path'] == osp.join(root, 'JPEGImages', '480p',
                                                 frame['file_name'])
            labels = read_png(
                osp.join(root, 'Annotations_unsupervised', '480p',
                         frame['file_name'][:-4] + '.png'))
            assert (frame['height'], frame['width']) == labels.shape
            objects = sorted(set(np.unique(labels).tolist()) - {0})
            assert len(frame['instances']) == len(objects) > 0
            for obj, instance in zip(objects, frame['instances']):
                assert instance['bbox_label'] == 0
                assert instance['ignore_flag'] == 0
                assert instance[
                    'instance_id'] == video['video_id'] * 1000 + obj
                mask = mask_utils.decode(instance['mask'])
                np.testing.assert_array_equal(mask, labels == obj)
                ys, xs = np.nonzero(mask)
                assert instance['bbox'] == [
                    xs.min(), ys.min(),
                    xs.max() + 1,
                    ys.max() + 1
                ]
                ids.add((index, instance['instance_id']))
    # an id belongs to one sequence
    assert len({instance_id for _, instance_id in ids}) == len(ids)
    img_ids = [
        frame['img_id'] for index in range(len(dataset))
        for frame in dataset.get_data_info(index)['images']
    ]
    assert len(set(img_ids)) == len(img_ids) == dataset.num_all_imgs


def test_train_pipeline_packs_guided_pairs(toy_root):
    dataset = build(
        osp.join(toy_root, 'DAVIS'), split='train', pipeline=train_pipeline())
    sampler = TrackImgSampler(dataset, seed=0)
    assert len(sampler) == dataset.num_all_imgs
    with DefaultScope.overwrite_default_scope('mmpr'):
        for video_idx, frame_idx in list(sampler)[:12]:
            sample = dataset[video_idx, frame_idx]
            inputs, track_sample = sample['inputs'], sample['data_samples']
            assert inputs.shape[:2] == (2, 3)
            key, ref = (track_sample.key_frames_inds,
                        track_sample.ref_frames_inds)
            assert sorted(key + ref) == [0, 1]
            query = track_sample[key[0]]
            guidance = track_sample[ref[0]]
            frames = dataset.get_data_info(video_idx)['images']
            assert query.frame_id == frames[frame_idx]['frame_id']
            query_ids = query.gt_instances.instances_ids.tolist()
            guidance_ids = guidance.gt_instances.instances_ids.tolist()
            if query.frame_id != guidance.frame_id:
                assert is_valid_guidance(query.instances, guidance.instances)
            # one category: every query object is in the guidance frame
            assert set(query_ids) <= set(guidance_ids)
            assert query.flip == guidance.flip
            assert query.gt_instances.masks.masks.shape[1:] == tuple(
                inputs.shape[2:])


def test_test_mode_yields_whole_sequences(toy_root):
    root = osp.join(toy_root, 'DAVIS')
    dataset = build(
        root,
        ann_file='ImageSets/2019/val.txt',
        test_mode=True,
        pipeline=eval_pipeline())
    assert len(dataset) == PRESETS['tiny'].valid_videos
    with DefaultScope.overwrite_default_scope('mmpr'):
        sample = dataset[0]
    num_frames = dataset.get_len_per_video(0)
    assert sample['inputs'].shape[0] == num_frames
    assert [frame.frame_id
            for frame in sample['data_samples']] == list(range(num_frames))


def write_png(path, labels, mode='P'):
    os.makedirs(osp.dirname(path), exist_ok=True)
    image = Image.fromarray(labels)
    if mode == 'P':
        image.putpalette(davis_palette().flatten().tolist())
    else:
        image = image.convert(mode)
    image.save(path)


def write_jpeg(path, size=(24, 16)):
    os.makedirs(osp.dirname(path), exist_ok=True)
    Image.new('RGB', size).save(path)


@pytest.fixture
def crafted_root(tmp_path):
    """seq_a: void pixels and an unannotated frame; seq_b: no PNG at all."""
    root = tmp_path / 'DAVIS'
    images = root / 'JPEGImages' / '480p'
    anns = root / 'Annotations_unsupervised' / '480p'
    labels = np.zeros((16, 24), np.uint8)
    labels[2:6, 3:9] = 1
    labels[8:12, 10:20] = 3
    labels[6, :] = 255
    for frame in ('00000', '00001'):
        write_jpeg(str(images / 'seq_a' / f'{frame}.jpg'))
    write_png(str(anns / 'seq_a' / '00000.png'), labels)
    write_jpeg(str(images / 'seq_b' / '00000.jpg'))
    (root / 'ImageSets' / '2019').mkdir(parents=True)
    (root / 'ImageSets' / '2019' / 'val.txt').write_text('seq_a\nseq_b\n')
    return str(root)


def test_void_and_missing_annotations(crafted_root):
    dataset = build(crafted_root, split='val', test_mode=True)
    assert len(dataset) == 2
    seq_a, seq_b = (dataset.get_data_info(i)['images'] for i in range(2))
    assert [inst['instance_id']
            for inst in seq_a[0]['instances']] == [1001, 1003]
    assert seq_a[0]['instances'][0]['bbox'] == [3, 2, 9, 6]
    assert seq_a[1]['instances'] == []
    assert (seq_b[0]['height'], seq_b[0]['width']) == (16, 24)
    assert seq_b[0]['instances'] == []
    # training drops unannotated frames, then sequences left empty
    train = build(crafted_root, split='val')
    assert len(train) == 1
    assert [frame['frame_id']
            for frame in train.get_data_info(0)['images']] == [0]
    kept = build(
        crafted_root, split='val', filter_cfg=dict(filter_empty_gt=False))
    assert kept.num_all_imgs == 3


def test_errors(crafted_root, tmp_path):
    with pytest.raises(FileNotFoundError, match='DAVIS root .* does not'):
        build(str(tmp_path / 'nowhere'), split='train')
    with pytest.raises(FileNotFoundError, match='split list .*train.txt'):
        build(crafted_root, split='train')
    with pytest.raises(ValueError, match='ann_file or split, not both'):
        build(crafted_root, split='val', ann_file='ImageSets/2019/val.txt')
    with pytest.raises(ValueError, match='needs a split list'):
        build(crafted_root)
    (tmp_path / 'DAVIS' / 'ImageSets' / '2019' /
     'train.txt').write_text('seq_c\n')
    with pytest.raises(FileNotFoundError, match='seq_c .* no frame folder'):
        build(crafted_root, split='train')
    write_png(
        osp.join(crafted_root, 'Annotations_unsupervised', '480p', 'seq_a',
                 '00001.png'),
        np.zeros((16, 24), np.uint8),
        mode='RGB')
    with pytest.raises(ValueError, match='expected a palette or grey PNG'):
        build(crafted_root, split='val')
