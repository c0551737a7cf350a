"""Every config under configs/ builds, and builds what its name says."""
import pytest
from config_names import (ConfigName, build_model, by_model, dataset_classes,
                          leaf_configs, load_config, train_datasets)
from mmdet.models import FPN, MaskRCNN, MaskTrackRCNN, ResNet, ResNeXt
from mmengine.config import ConfigDict
from mmengine.registry import DefaultScope

from mmpr.models import SeqMaskRCNN
from mmpr.registry import DATA_SAMPLERS, DATASETS, TRANSFORMS

ALGORITHMS = {
    'seq-mask-rcnn': SeqMaskRCNN,
    'mask-rcnn': MaskRCNN,  # the toy detector Seq Mask R-CNN starts from
    'masktrack-rcnn': MaskTrackRCNN,  # the toy benchmarks' peer
}


def registered_types(node, registry_of_key):
    """Yield (registry, type) of every dict with a ``type`` in a config."""
    if isinstance(node, (dict, ConfigDict)):
        if 'type' in node and isinstance(node['type'], str):
            yield registry_of_key, node['type']
        for key, value in node.items():
            registry = {
                'pipeline': TRANSFORMS,
                'transforms': TRANSFORMS,
                'sampler': DATA_SAMPLERS,
                'batch_sampler': DATA_SAMPLERS,
            }.get(key, registry_of_key)
            yield from registered_types(value, registry)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from registered_types(value, registry_of_key)


def check_backbone(backbone, tag: str) -> None:
    """r{depth}[-w{base channels}] is a ResNet; x{depth}-{groups}x{width}d
    a ResNeXt."""
    if tag.startswith('x'):
        depth, groups_width = tag[1:].split('-')
        groups, width = groups_width.rstrip('d').split('x')
        assert type(backbone) is ResNeXt
        assert (backbone.depth, backbone.groups,
                backbone.base_width) == (int(depth), int(groups), int(width))
        return
    depth, _, width = tag[1:].partition('-w')
    assert type(backbone) is ResNet and backbone.depth == int(depth)
    assert backbone.base_channels == int(width or 64)


@pytest.mark.parametrize('config', by_model(leaf_configs()))
def test_config_builds_what_its_name_says(config):
    cfg = load_config(config)
    name = ConfigName.of(config)
    assert cfg.default_scope == 'mmpr'
    model = build_model(cfg.model)
    with DefaultScope.overwrite_default_scope('mmpr'):
        for registry, type_name in registered_types(cfg.train_dataloader,
                                                    DATASETS):
            assert registry.get(type_name) is not None, type_name
    assert type(model) is ALGORITHMS[name.algorithm]
    detector = model.detector if name.algorithm == 'masktrack-rcnn' else model
    check_backbone(detector.backbone, name.backbone)
    assert name.neck == 'fpn' and type(detector.neck) is FPN
    tested = (
        cfg.test_dataloader.dataset
        if 'test_dataloader' in cfg else train_datasets(cfg)[-1])
    classes = dataset_classes(tested)
    assert detector.roi_head.bbox_head.num_classes == len(classes)
    assert detector.roi_head.mask_head.num_classes == len(classes)
    for dataset in train_datasets(cfg):  # trains on the classes it tests
        assert len(dataset_classes(dataset)) == len(classes)
    if name.gpus_and_batch:
        # the per-GPU batch, and the whole batch auto_scale_lr scales from
        gpus, batch = name.gpus_and_batch
        assert cfg.train_dataloader.batch_size == batch
        if gpus > 1:
            assert cfg.auto_scale_lr.base_batch_size == gpus * batch
    if name.length:
        number, unit = name.length
        assert cfg.train_cfg[{
            'e': 'max_epochs',
            'i': 'max_iters'
        }[unit]] == number
    if name.algorithm == 'seq-mask-rcnn' and name.dataset.endswith('-coco'):
        # a video set with COCO pseudo videos
        assert [d.type
                for d in train_datasets(cfg)][0] == 'CocoPseudoVideoDataset'
    # the version tested, and trained on (2022 keeps the 2021 train set)
    for year, train_year in (('2019', '2019'), ('2021', '2021'), ('2022',
                                                                  '2021')):
        if name.dataset.startswith('youtubevis' + year):
            for dataset, version in ((cfg.test_dataloader.dataset, year),
                                     (train_datasets(cfg)[-1], train_year)):
                assert dataset.dataset_version == version
                assert version in dataset.ann_file
    if name.dataset.startswith('ovis'):
        for dataset in (cfg.test_dataloader.dataset, train_datasets(cfg)[-1]):
            assert dataset.type == 'OVISDataset'
            assert 'ovis' in dataset.ann_file
    if name.dataset.startswith('davis-uvos'):
        assert cfg.test_dataloader.dataset.type == 'DAVISUVOSDataset'
        assert cfg.test_evaluator.type == 'DAVISUVOSMetric'
