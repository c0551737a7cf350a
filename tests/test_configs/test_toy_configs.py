"""The toy configs (configs/toy/): each trains a step on the tiny toy set
through its own data pipeline, and the toy peers share one budget."""
import os.path as osp

import pytest
import torch
from config_names import REPO_ROOT, leaf_configs
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mmpr.registry import DATA_SAMPLERS, DATASETS, MODELS


@pytest.mark.parametrize('config', leaf_configs('toy'))
def test_toy_config_trains_a_step(config, toy_root, monkeypatch):
    """One optimiser step of the config's model on a batch of its own
    training data loader: finite losses, and the weights move."""
    monkeypatch.setenv('MMPR_TOY_DATA', toy_root)
    cfg = Config.fromfile(osp.join(REPO_ROOT, config))
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model)
        loader = Runner.build_dataloader(
            dict(
                cfg.train_dataloader, num_workers=0, persistent_workers=False))
        optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = [p.detach().clone() for p in model.parameters()]
    model.train()
    log_vars = model.train_step(next(iter(loader)), optim_wrapper)
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values())
    assert log_vars['loss'] > 0
    moved = [not torch.equal(a, p) for a, p in zip(before, model.parameters())]
    assert sum(moved) > len(moved) // 2


def test_toy_config_builds_datasets(toy_root):
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'toy',
                 'seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'))
    coco, video = cfg.train_dataloader.dataset.datasets
    coco.data_root = osp.join(toy_root, 'coco')
    video.data_root = osp.join(toy_root, 'youtube_vis_2019')
    with DefaultScope.overwrite_default_scope('mmpr'):
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        sampler = DATA_SAMPLERS.build(
            cfg.train_dataloader.sampler, default_args=dict(dataset=dataset))
    assert len(list(sampler)) == dataset.num_all_imgs
    sample = dataset[next(iter(sampler))]
    assert tuple(sample['inputs'].shape[:2]) == (2, 3)


@pytest.mark.parametrize('iters', [1200, 3600])
def test_toy_masktrack_has_the_budget_of_seq_mask_rcnn(iters):
    """The toy accuracy comparison trains both methods with one budget."""
    seq, masktrack = (
        Config.fromfile(
            osp.join(REPO_ROOT, 'configs', 'toy',
                     f'{name}_r18_fpn_1xb2-{iters}i_toy-vis.py'))
        for name in ('seq-mask-rcnn', 'masktrack-rcnn'))
    assert seq.train_cfg.max_iters == iters
    for key in ('train_cfg', 'param_scheduler', 'optim_wrapper', 'randomness',
                'test_dataloader', 'test_evaluator'):
        assert masktrack[key] == seq[key], key
    assert masktrack.train_dataloader.batch_size == 2
    assert seq.train_dataloader.batch_size == 2
