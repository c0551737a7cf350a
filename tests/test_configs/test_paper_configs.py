"""The paper's training configs (configs/seq_mask_rcnn/*.py) against the
paper's two stages (Sec. 4.2, supplement D) and the authors' training code
where the paper is silent (shared notes: official_code_facts.md)."""
import os.path as osp

import pytest
import torch
from config_names import (REPO_ROOT, ConfigName, leaf_configs, load_config,
                          train_datasets)
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from mmpr.registry import PARAM_SCHEDULERS

PAPER_CONFIGS = [
    config for config in leaf_configs('seq_mask_rcnn')
    if '/authors/' not in config
]
# the paper's learning rate in each epoch: main-training from 5e-3, / 10 at
# the 3rd and at the 4th epoch; fine-tuning fixed at 5e-5
PAPER_EPOCH_LRS = {
    'main': [5e-3, 5e-3, 5e-4, 5e-5],
    'ft': [5e-5] * 5,
}
# the authors' detector training (MaskTrack R-CNN's legacy): 200 proposals,
# 64 RPN and 128 RCNN samples, smooth-L1 beta 1/9 (RPN) and 1 (RCNN); their
# test-time mask NMS 0.2 after the detector
AUTHORS_DETECTOR = {
    'train_cfg.rpn_proposal.max_per_img': 200,
    'train_cfg.rpn.sampler.num': 64,
    'train_cfg.rcnn.sampler.num': 128,
    'rpn_head.loss_bbox.beta': 1 / 9,
    'roi_head.bbox_head.loss_bbox.beta': 1.0,
    'test_cfg.key_frame_mask_nms': 0.2,
}

EPOCH_LRS = {}


def epoch_lrs(cfg: Config, iters_per_epoch: int = 1000) -> list:
    """The learning rate at the end of each epoch, stepping the config's
    optimiser wrapper and schedulers as mmengine's ParamSchedulerHook does
    (iteration-based ones after every iteration, epoch-based ones after
    every epoch)."""
    wrapper = build_optim_wrapper(torch.nn.Linear(1, 1), cfg.optim_wrapper)
    schedulers = [
        PARAM_SCHEDULERS.build(dict(scheduler, optimizer=wrapper))
        for scheduler in cfg.param_scheduler
    ]
    lrs = []
    for _ in range(cfg.train_cfg.max_epochs):
        for _ in range(iters_per_epoch):
            for scheduler in schedulers:
                if not scheduler.by_epoch:
                    scheduler.step()
        lrs.append(wrapper.get_lr()['lr'][0])
        for scheduler in schedulers:
            if scheduler.by_epoch:
                scheduler.step()
    return lrs


def main_stage_of(config: str) -> str:
    """The main-training leaf a fine-tuning leaf starts from."""
    return config.replace('-ft-5e_', '-main-4e_').replace('.py', '-coco.py')


@pytest.mark.filterwarnings('ignore:Detected call of `scheduler.step()`')
@pytest.mark.parametrize('config', PAPER_CONFIGS)
def test_paper_stage_schedule(config):
    cfg = load_config(config)
    stage = ConfigName.of(config).stage
    assert cfg.optim_wrapper.optimizer.type == 'SGD'
    # each distinct schedule is stepped once
    schedule = repr([cfg.optim_wrapper, cfg.param_scheduler, cfg.train_cfg])
    if schedule not in EPOCH_LRS:
        EPOCH_LRS[schedule] = epoch_lrs(cfg)
    assert EPOCH_LRS[schedule] == pytest.approx(PAPER_EPOCH_LRS[stage])
    for key, value in AUTHORS_DETECTOR.items():
        node = cfg.model
        for part in key.split('.'):
            node = node[part]
        assert node == pytest.approx(value), key


@pytest.mark.parametrize('config', [
    c for c in PAPER_CONFIGS if ConfigName.of(c).stage == 'ft'
    and osp.isfile(osp.join(REPO_ROOT, main_stage_of(c)))
])
def test_fine_tuning_continues_its_main_stage(config):
    """Same model and video set as the main stage, without COCO (the
    pipeline may change: DAVIS-UVOS fine-tunes at 854x480); it starts from
    the main stage's checkpoint (given on the command line)."""
    main = load_config(main_stage_of(config))
    ft = load_config(config)
    assert ft.model == main.model
    assert [dict(d, pipeline=None) for d in train_datasets(ft)
            ] == [dict(d, pipeline=None) for d in train_datasets(main)[1:]]
    assert ft.test_dataloader == main.test_dataloader
    assert ft.test_evaluator == main.test_evaluator
    assert ft.load_from is None


@pytest.mark.parametrize('config',
                         [c for c in PAPER_CONFIGS if 'youtubevis2022' in c])
def test_youtubevis2022_trains_as_2021(config):
    """YouTube-VIS 2022 keeps the 2021 classes and train set: its leaves
    train as their 2021 leaves and differ in the test set, the metric's
    short/long split and the bounded memory only."""
    leaf_2022 = load_config(config)
    leaf_2021 = load_config(config.replace('2022', '2021'))
    for key in ('train_dataloader', 'train_cfg', 'optim_wrapper',
                'param_scheduler', 'load_from'):
        assert leaf_2022[key] == leaf_2021[key], key
    assert leaf_2022.model.propagator.pop('max_memory') is not None
    leaf_2021.model.propagator.pop('max_memory')
    assert leaf_2022.model == leaf_2021.model
    assert leaf_2022.test_evaluator.long_video_frames == 36
    assert leaf_2022.test_dataloader.dataset.dataset_version == '2022'


@pytest.mark.parametrize(
    'config', [c for c in PAPER_CONFIGS if ConfigName.of(c).stage == 'main'])
def test_main_stage_starts_from_mmdets_coco_mask_rcnn(config):
    """Paper: initialised with Mask R-CNN trained on COCO (same
    backbone)."""
    cfg = load_config(config)
    backbone = ConfigName.of(config).backbone.replace('-', '_')
    assert cfg.load_from.startswith('https://download.openmmlab.com/')
    assert osp.basename(cfg.load_from).startswith(f'mask_rcnn_{backbone}_')
