import os.path as osp

import pytest
from mmengine.registry import DefaultScope

from mmpr.datasets import OVIS_CLASSES, youtube_vis_classes
from mmpr.registry import DATASETS


def build(**kwargs):
    with DefaultScope.overwrite_default_scope('mmpr'):
        return DATASETS.build(kwargs)


def test_ovis_layout_reads_with_the_ovis_classes(toy_layout_root):
    """The toy OVIS download, converted by the tool, read by OVISDataset:
    frames found at {split}/<video>/<frame>.jpg, shapes labelled by the
    first three OVIS classes."""
    root = osp.join(toy_layout_root('ovis'), 'ovis')
    dataset = build(
        type='OVISDataset',
        data_root=root,
        ann_file='annotations/ovis_valid.json',
        data_prefix=dict(img_path='valid'),
        test_mode=True)
    assert dataset.metainfo['classes'] == OVIS_CLASSES
    frames = dataset.get_data_info(0)['images']
    assert all(osp.isfile(frame['img_path']) for frame in frames)
    labels = {i['bbox_label'] for frame in frames for i in frame['instances']}
    assert labels and labels <= {0, 1, 2}


def test_ovis_dataset_reads_ovis_only(toy_layout_root):
    with pytest.raises(ValueError, match="dataset_version='ovis'"):
        build(
            type='OVISDataset',
            dataset_version='2019',
            ann_file=osp.join(
                toy_layout_root('ovis'), 'ovis', 'annotations',
                'ovis_valid.json'))


def test_youtube_vis_2022_has_the_2021_classes():
    assert youtube_vis_classes('2022') == youtube_vis_classes('2021')
    assert youtube_vis_classes('2019') != youtube_vis_classes('2021')
    assert len(youtube_vis_classes('ovis')) == 25
