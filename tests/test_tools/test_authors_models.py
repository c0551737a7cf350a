"""The authors' configs end to end: a checkpoint in the authors' layout,
converted by the converter, tested by tools/test.py on the toy set."""
import glob
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmpr.registry import MODELS

AUTHORS = sorted(
    glob.glob(
        osp.join(
            osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
            'configs', 'seq_mask_rcnn', 'authors', '*.py')))


def to_authors_layout(state, converter):
    """An mmpr state dict in the layout of the authors' checkpoints (the
    inverse of the converter, written from their key names)."""
    inverse = {ours: theirs for theirs, ours in converter.PROP_HEAD_LAYERS}
    out = {}
    for key, value in state.items():
        if key.endswith('num_batches_tracked'):
            continue  # old torch wrote none
        if key.startswith('roi_head.'):
            key = key[len('roi_head.'):]
            if key.startswith('bbox_head.fc_cls.'):  # background first
                value = torch.cat([value[-1:], value[:-1]])
            elif key.startswith('bbox_head.fc_reg.'):  # 4 background rows
                value = torch.cat([value[:4] * 0, value])
            elif key.startswith('mask_head.conv_logits.'):  # and channel
                value = torch.cat([value[:1] * 0, value])
        elif key.startswith('prop_head.'):
            name = key[len('prop_head.'):].replace('.shortcut.',
                                                   '.downsample.')
            layer = max((ours for ours in inverse
                         if name == ours or name.startswith(ours + '.')),
                        key=len)
            key = 'prop_head.' + inverse[layer] + name[len(layer):]
        out[key] = value
    # the prop head's dead layers
    out['prop_head.conv_logits.weight'] = torch.zeros(
        out['bbox_head.fc_cls.weight'].shape[0], 256, 1, 1)
    out['prop_head.upsample.weight'] = torch.zeros(256, 256, 2, 2)
    return out


@pytest.fixture(scope='module')
def converter(load_tool):
    return load_tool('model_converters/proposereduce_to_mmpr.py')


@pytest.fixture(scope='module')
def converted(converter, repo_root, tmp_path_factory):
    """Per authors' config: an mmpr checkpoint converted from a checkpoint
    in their layout; one per architecture (backbone x classes)."""
    root = tmp_path_factory.mktemp('authors')
    checkpoints = {}
    for config in AUTHORS:
        cfg = Config.fromfile(config)
        arch = (cfg.model.backbone.get('type',
                                       'ResNet'), cfg.model.backbone.depth,
                cfg.model.roi_head.bbox_head.num_classes)
        if arch not in checkpoints:
            cfg.model.backbone.init_cfg = None
            torch.manual_seed(0)
            with DefaultScope.overwrite_default_scope('mmpr'):
                state = MODELS.build(cfg.model).state_dict()
            theirs = root / f'theirs_{len(checkpoints)}.pth'
            torch.save(
                dict(state_dict=to_authors_layout(state, converter)), theirs)
            ours = root / f'mmpr_{len(checkpoints)}.pth'
            dataset = ['--dataset', 'davis'] if arch[2] == 1 else []
            done = subprocess.run(
                [
                    sys.executable,
                    osp.join(repo_root, 'tools', 'model_converters',
                             'proposereduce_to_mmpr.py'),
                    str(theirs),
                    str(ours)
                ] + dataset,
                capture_output=True,
                text=True)
            assert done.returncode == 0, done.stderr[-2000:]
            # the round trip gives back every tensor of the model
            back = torch.load(ours, weights_only=False)['state_dict']
            assert back.keys() == state.keys()
            for key, value in state.items():
                assert torch.equal(back[key], value), key
            checkpoints[arch] = str(ours)
        checkpoints[config] = checkpoints[arch]
    return checkpoints


@pytest.mark.slow  # 12 configs, R50 to X101, through tools/test.py
@pytest.mark.parametrize('config', AUTHORS, ids=osp.basename)
def test_authors_config_end_to_end(config, converted, toy_root, repo_root,
                                   tmp_path):
    if 'davis' in config:
        data = [
            f'test_dataloader.dataset.data_root={toy_root}/DAVIS',
        ]
        metrics = ('davis_uvos/J&F', 'davis_uvos/J', 'davis_uvos/F')
    else:
        vis = f'{toy_root}/youtube_vis_2019'
        data = [
            f'test_dataloader.dataset.data_root={vis}',
            # the toy classes (the model's 40 stay; its records of other
            # classes find no ground truth)
            'test_dataloader.dataset.metainfo.classes=[disc,square,triangle]',
            'test_dataloader.dataset.ann_file='
            'annotations/youtube_vis_2019_valid.json',
            'test_evaluator.format_only=False',
            # untrained: every detection of the 40 classes scores ~1/41
            'model.test_cfg.rcnn.score_thr=0.0',
        ]
        metrics = ('youtube_vis/segm_mAP', 'youtube_vis/segm_AR@10')
    done = subprocess.run(
        [
            sys.executable,
            osp.join(repo_root, 'tools', 'test.py'),
            config,
            converted[config],
            '--work-dir',
            str(tmp_path),
            '--cfg-options',
            'test_dataloader.num_workers=0',
            'test_dataloader.persistent_workers=False',
            # CPU-sized: R50 to X101 at 640x360; the other settings are the
            # config's
            'model.propagator.num_key_frames=2',
            'model.test_cfg.rcnn.max_per_img=2',
            *data
        ],
        capture_output=True,
        text=True,
        cwd=repo_root)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    for metric in metrics:
        assert metric in log, log[-3000:]
    assert 'inference time per frame' in log
