import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from pycocotools import mask as mask_utils

from mmpr.models.propagators import MemoryKPropagator
from mmpr.registry import MODELS

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
H, W = 96, 128


@pytest.fixture(scope='module')
def straightforward(load_tool):
    return load_tool('analysis_tools/straightforward_propagator.py')


def test_straightforward_path_gives_the_same_proposals(repo_root,
                                                       straightforward,
                                                       frame_samples):
    cfg = Config.fromfile(osp.join(repo_root, TOY_CONFIG))
    cfg.model.test_cfg.rcnn.update(score_thr=0.0, max_per_img=2)  # O = 2
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        # untrained, the head barely tells instances apart: after soft
        # aggregation no propagated pixel would pass 0.5; sharpen it
        model.prop_head.predictor.weight.mul_(10)
        model.prop_head.mask_encoder.weight.mul_(300)
    generator = torch.Generator().manual_seed(0)
    texture = torch.nn.functional.interpolate(
        torch.randn(1, 3, H // 8, W // 8, generator=generator),
        size=(H, W),
        mode='bilinear')[0]
    frames = torch.stack(
        [torch.roll(texture, 3 * t, dims=2) for t in range(6)])
    # key frames 0, 2, 5: the last one propagates backward only
    settings = dict(num_key_frames=3, key_frame_mode='uniform', mem_step=2)
    default = MemoryKPropagator(**settings).propose(model, frames,
                                                    frame_samples(6, H, W))
    straight = straightforward.StraightforwardPropagator(**settings).propose(
        model, frames, frame_samples(6, H, W))
    assert len(default) == len(straight) == 6
    np.testing.assert_allclose(
        straight.class_scores, default.class_scores, rtol=0, atol=1e-4)
    assert default.class_scores.max() > 0
    # the probabilities agree to float rounding (~1e-7), so thresholding at
    # 0.5 could flip only pixels closer to 0.5 than that: none here
    propagated = 0
    for s, key_frame in enumerate((0, 0, 2, 2, 5, 5)):
        assert default.frames(s) == straight.frames(s)
        for t in default.frames(s):
            rle, other = default.masks[s][t], straight.masks[s][t]
            assert mask_utils.iou([rle], [other], [0])[0, 0] > 0.999
            propagated += t != key_frame
    assert propagated > 10  # the check is not vacuous
