"""The config naming scheme, ``{algorithm}_{backbone}_{neck}_{schedule}_
{dataset}.py``, read as a contract: what a name promises is checked against
what the config builds, so no test restates a config's numbers."""
import copy
import glob
import os.path as osp
import re
from collections import OrderedDict
from functools import lru_cache
from typing import NamedTuple, Optional, Tuple

import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import DefaultScope

from mmpr.datasets.coco_pseudo_video_dataset import (NAMED_MAPPINGS,
                                                     named_mapping,
                                                     youtube_vis_classes)
from mmpr.registry import DATASETS, MODELS

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def leaf_configs(folder: str = '') -> list:
    """Paths (relative to the repository) of the configs below
    ``configs/<folder>`` that are not bases."""
    pattern = osp.join(REPO_ROOT, 'configs', folder, '**', '*.py')
    return sorted(
        osp.relpath(path, REPO_ROOT)
        for path in glob.glob(pattern, recursive=True) if '_base_' not in path)


@lru_cache(maxsize=None)
def _parsed(config: str) -> Config:
    return Config.fromfile(osp.join(REPO_ROOT, config))


def load_config(config: str) -> Config:
    """A config by its path in the repository (parsed once; each call gets
    its own copy to change)."""
    return copy.deepcopy(_parsed(config))


_BUILT: 'OrderedDict[str, torch.nn.Module]' = OrderedDict()


def build_model(model: ConfigDict) -> torch.nn.Module:
    """The model of a config, built in mmpr's scope; the last few are kept,
    so configs of one model (e.g. both training stages) build it once."""
    key = repr(model.to_dict())
    if key not in _BUILT:
        with DefaultScope.overwrite_default_scope('mmpr'):
            _BUILT[key] = MODELS.build(model)
        if len(_BUILT) > 3:
            _BUILT.popitem(last=False)
    return _BUILT[key]


def by_model(configs: list) -> list:
    """``configs`` ordered so that those of one model follow each other."""
    return sorted(configs, key=lambda c: repr(_parsed(c).model.to_dict()))


class ConfigName(NamedTuple):
    """A config's name split into its five parts."""
    algorithm: str  # seq-mask-rcnn, mask-rcnn, masktrack-rcnn
    backbone: str  # r50, r18-w32, x101-64x4d
    neck: str  # fpn
    schedule: str  # 4xb5-main-4e, 1xb2-pairdet-300i, authors-ca
    dataset: str  # youtubevis2019-coco, davis-uvos, toy-vis

    @classmethod
    def of(cls, config: str) -> 'ConfigName':
        parts = osp.splitext(osp.basename(config))[0].split('_')
        assert len(parts) == 5, f'{config}: not a five-part name'
        return cls(*parts)

    @property
    def gpus_and_batch(self) -> Optional[Tuple[int, int]]:
        """(GPUs, pairs per GPU) of ``{gpus}xb{batch}``, if named."""
        match = re.match(r'(\d+)xb(\d+)-', self.schedule)
        return tuple(map(int, match.groups())) if match else None

    @property
    def length(self) -> Optional[Tuple[int, str]]:
        """(number, 'e' or 'i') of a schedule ending in epochs or
        iterations, if named."""
        match = re.search(r'-(\d+)([ei])$', self.schedule)
        return (int(match[1]), match[2]) if match else None

    @property
    def stage(self) -> Optional[str]:
        """The paper's training stage: 'main', 'ft' or None."""
        match = re.search(r'-(main|ft)-', self.schedule)
        return match[1] if match else None


def dataset_classes(dataset: ConfigDict) -> tuple:
    """The class names a dataset config loads: its metainfo's, else its
    data set's own (by version for YouTube-VIS, by the named mapping for
    COCO pseudo videos)."""
    if 'classes' in dataset.get('metainfo', {}):
        return tuple(dataset.metainfo.classes)
    if dataset.get('class_mapping') in NAMED_MAPPINGS:
        return named_mapping(dataset.class_mapping)[0]
    if 'dataset_version' in dataset:
        return youtube_vis_classes(dataset.dataset_version)
    return DATASETS.get(dataset.type).METAINFO['classes']


def train_datasets(cfg: ConfigDict) -> list:
    """The data sets a config trains on (the parts of a concatenation)."""
    dataset = cfg.train_dataloader.dataset
    return list(dataset.datasets) if 'datasets' in dataset else [dataset]
