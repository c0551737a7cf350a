import json
import os
import os.path as osp
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.config import Config, ConfigDict
from mmengine.registry import DefaultScope
from pycocotools import mask as mask_utils

from mmpr.models.reducers import SequenceNMS
from mmpr.registry import MODELS
from mmpr.structures import InstanceSequences

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
TOOL = 'tools/analysis_tools/ablate_inference.py'


def test_no_reduction_keeps_every_proposal(load_tool):
    tool = load_tool('analysis_tools/ablate_inference.py')
    model = SimpleNamespace(reducer=SequenceNMS(mode='category_aware'))
    mask = np.zeros((8, 8), np.uint8, order='F')
    mask[2:6, 2:6] = 1
    rle = mask_utils.encode(mask)
    # two exact duplicates, one absent sequence, one scoring 0
    masks = [[rle, rle], [rle, rle], [None, None], [rle, None]]
    scores = np.array([[0.9, 0.1], [0.8, 0.1], [0.5, 0.0], [0.0, 0.0]])
    proposals = InstanceSequences(masks, scores, (8, 8), 2)
    with tool.overridden(model, tool.NO_REDUCTION):
        kept = model.reducer(proposals)
    rows = [id(row) for row in masks]
    assert [rows.index(id(row)) for row in kept.masks] == [0, 1, 2, 3]
    np.testing.assert_array_equal(kept.class_scores, scores)
    # the config's reducer is restored
    assert model.reducer.mode == 'category_aware'
    assert model.reducer.iou_thr == 0.5 and model.reducer.score_thr == 0.05
    assert len(model.reducer(proposals)) < 4


def test_key_frame_nms_setting_restores_the_test_cfg(load_tool):
    tool = load_tool('analysis_tools/ablate_inference.py')
    nms = ConfigDict(type='nms', iou_threshold=0.5)  # per class: no key
    model = SimpleNamespace(
        roi_head=SimpleNamespace(test_cfg=ConfigDict(nms=nms)),
        test_cfg=ConfigDict(key_frame_mask_nms=0.2))
    per_class, across, per_class_mask, across_mask = tool.ablation_settings(
        'key_frame_nms', [])
    assert (per_class.name,
            across_mask.name) == ('box NMS per class',
                                  'box NMS across classes, mask NMS 0.2')
    with tool.overridden(model, across.overrides):
        assert model.roi_head.test_cfg.nms.class_agnostic is True
        assert model.test_cfg.key_frame_mask_nms is None
    assert 'class_agnostic' not in model.roi_head.test_cfg.nms
    assert model.test_cfg.key_frame_mask_nms == 0.2
    nms.class_agnostic = True
    with tool.overridden(model, per_class_mask.overrides):
        assert model.roi_head.test_cfg.nms.class_agnostic is False
        assert model.test_cfg.key_frame_mask_nms == 0.2
    assert model.roi_head.test_cfg.nms.class_agnostic is True


def box_rle(x0, y0, x1, y1, size=(10, 10)):
    mask = np.zeros(size, np.uint8, order='F')
    mask[y0:y1, x0:x1] = 1
    return mask_utils.encode(mask)


def test_agreement_matches_sequences_by_iou(load_tool):
    tool = load_tool('analysis_tools/ablate_inference.py')
    square, shifted, other = box_rle(0, 0, 4, 4), box_rle(0, 1, 4, 5), \
        box_rle(6, 6, 10, 10)
    # fp32: the square (0.9) and another object (0.5), two frames
    reference = InstanceSequences([[square, square], [other, None]],
                                  np.array([[0.9], [0.5]]), (10, 10), 2)
    # mixed: the other object first, the square shifted by a row in frame
    # 1, and a new sequence
    mixed = InstanceSequences(
        [[other, None], [square, shifted], [None, other]],
        np.array([[0.45], [0.85], [0.1]]), (10, 10), 2)
    result = tool.agreement([reference], [mixed])
    # square: 8 pixels differ (of 16 + 16 vs 16 + 16), other: none; the
    # unmatched sequence: its 16 pixels; 3 sequences x 2 frames x 100
    assert result['pixel_agreement'] == pytest.approx(1 - (8 + 16) / 600)
    assert result['mean_iou'] == pytest.approx((28 / 36 + 1) / 2)
    assert result['max_score_change'] == pytest.approx(0.05)
    assert result['unmatched'] == 1
    assert tool.agreement([reference], [reference])['pixel_agreement'] == 1


def test_early_reduction_and_precision_settings(load_tool):
    tool = load_tool('analysis_tools/ablate_inference.py')
    settings = tool.ablation_settings('early_reduction', [1, 6], 0.5)
    assert [s.name for s in settings] == [
        'K=1, full', 'K=1, early reduction 0.5', 'K=6, full',
        'K=6, early reduction 0.5'
    ]
    assert settings[3].overrides == {
        'propagator.num_key_frames': 6,
        'propagator.early_reduction': 0.5
    }
    detector, resegmented = tool.ablation_settings('key_frame_masks', [])
    assert resegmented.overrides == {'propagator.resegment_key_frames': True}
    assert detector.overrides == {'propagator.resegment_key_frames': False}
    fp32, mixed = tool.ablation_settings('precision', [])
    assert (fp32.amp, mixed.amp) == (False, True)
    assert fp32.overrides == mixed.overrides == {}


@pytest.mark.slow  # a subprocess testing the model once per setting
def test_ablates_key_frames_on_the_tiny_toy_set(repo_root, toy_root, tmp_path):
    cfg = Config.fromfile(osp.join(repo_root, TOY_CONFIG))
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model)
    model.init_weights()
    checkpoint = str(tmp_path / 'untrained.pth')
    torch.save(dict(state_dict=model.state_dict()), checkpoint)

    out_dir = tmp_path / 'ablations'
    result = subprocess.run(
        [
            sys.executable,
            osp.join(repo_root, TOOL),
            osp.join(repo_root, TOY_CONFIG),
            checkpoint,
            '--out-dir',
            str(out_dir),
            '--ablations',
            'key_frames',
            'precision',
            '--key-frames',
            '1',
            '2',
            '--cfg-options',
            'test_dataloader.num_workers=0',
            'test_dataloader.persistent_workers=False',
            # one video proves the plumbing
            'test_dataloader.dataset.indices=1'
        ],
        capture_output=True,
        text=True,
        cwd=repo_root,
        env=dict(os.environ, MMPR_TOY_DATA=toy_root))
    assert result.returncode == 0, result.stderr[-3000:]

    with open(out_dir / 'ablations.json') as file:
        report = json.load(file)
    assert list(report['ablations']) == ['key_frames', 'precision']
    fp32, mixed = report['ablations']['precision']
    assert mixed['overrides'] == ['autocast'] and 'pixel_agreement' in mixed
    assert 0 <= mixed['pixel_agreement'] <= 1
    assert mixed['decodes_per_frame'] == 0 or fp32['decodes_per_frame'] > 0
    rows = report['ablations']['key_frames']
    assert [row['setting'] for row in rows] == ['K=1', 'K=2']
    assert rows[1]['overrides'] == ['propagator.num_key_frames=2']
    with open(osp.join(toy_root, 'youtube_vis_2019', 'valid.json')) as file:
        num_frames = json.load(file)['videos'][0]['length']
    for row in rows:
        for name in ('AP', 'AP50', 'AP75', 'AR1', 'AR10'):
            assert 0.0 <= row[name] <= 1.0
        assert row['test_s'] > 0 and row['ms_per_frame'] > 0
        assert row['frames'] == num_frames

    table = (out_dir / 'ablations.md').read_text()
    assert table.startswith('## AP vs the number of key frames K')
    assert ('| setting | AP | AP50 | AP75 | AR1 | AR10 | test (s) | ms/frame '
            '| decodes/frame |') in table
    assert '| fp32 |' in table and '(reference)' in table
    assert '| K=1 |' in table and '| K=2 |' in table
    assert 'inference ablations' in result.stdout + result.stderr
