import math

import pytest
import torch
from mmdet.models.task_modules.coders import LegacyDeltaXYWHBBoxCoder

from mmpr.models import MMDetV05DeltaXYWHBBoxCoder
from mmpr.registry import TASK_UTILS

MEANS, STDS = (0., 0., 0., 0.), (0.1, 0.1, 0.2, 0.2)


def old_delta2bbox(rois, deltas, max_shape, wh_ratio_clip=16 / 1000):
    """Old mmdet's (0.5) ``delta2bbox``, from its formulas: centre and
    ``+ 1`` size of each RoI, the denormalised deltas applied, corners at
    ``centre -+ size / 2 +- 0.5``, clamped to ``[0, W - 1]``."""
    out = torch.empty_like(deltas)
    max_ratio = abs(math.log(wh_ratio_clip))
    for n, (x1, y1, x2, y2) in enumerate(rois.tolist()):
        px, py = (x1 + x2) * 0.5, (y1 + y2) * 0.5
        pw, ph = x2 - x1 + 1.0, y2 - y1 + 1.0
        for k in range(deltas.shape[1] // 4):
            dx, dy, dw, dh = (
                d * s + m
                for d, s, m in zip(deltas[n, 4 * k:4 * k +
                                          4].tolist(), STDS, MEANS))
            dw = min(max(dw, -max_ratio), max_ratio)
            dh = min(max(dh, -max_ratio), max_ratio)
            gw, gh = pw * math.exp(dw), ph * math.exp(dh)
            gx, gy = px + pw * dx, py + ph * dy
            box = [
                gx - gw * 0.5 + 0.5, gy - gh * 0.5 + 0.5, gx + gw * 0.5 - 0.5,
                gy + gh * 0.5 - 0.5
            ]
            height, width = max_shape
            limits = (width - 1, height - 1) * 2
            out[n, 4 * k:4 * k + 4] = torch.tensor(
                [min(max(v, 0), limit) for v, limit in zip(box, limits)])
    return out


@pytest.fixture
def rois_and_deltas():
    torch.manual_seed(0)
    xy = torch.rand(64, 2) * 300
    rois = torch.cat([xy, xy + torch.rand(64, 2) * 200 + 1], dim=1)
    deltas = torch.randn(64, 8) * 2  # two classes, some boxes clamped
    return rois, deltas


def test_decode_is_old_delta2bbox(rois_and_deltas):
    rois, deltas = rois_and_deltas
    coder = TASK_UTILS.build(
        dict(
            type='MMDetV05DeltaXYWHBBoxCoder',
            target_means=MEANS,
            target_stds=STDS))
    assert isinstance(coder, MMDetV05DeltaXYWHBBoxCoder)
    reference = old_delta2bbox(rois, deltas, (300, 400))
    decoded = coder.decode(rois, deltas, max_shape=(300, 400))
    torch.testing.assert_close(decoded, reference, rtol=0, atol=2e-4)
    # clamping reached: the test covers boxes that leave the frame
    assert (reference == 0).any() and (reference[:, 0::2] == 399).any()
    # mmdet 3's legacy coder: half a pixel more on each side
    legacy = LegacyDeltaXYWHBBoxCoder(
        target_means=MEANS, target_stds=STDS).decode(rois, deltas)
    unclamped = coder.decode(rois, deltas)
    shift = torch.tensor([-0.5, -0.5, 0.5, 0.5]).repeat(2)
    torch.testing.assert_close(legacy, unclamped + shift, rtol=0, atol=2e-4)


def test_encode_is_the_legacy_coders(rois_and_deltas):
    """Old mmdet's ``bbox2delta`` (``+ 1`` sizes) is mmdet 3's legacy one."""
    rois, _ = rois_and_deltas
    gt = rois.flip(0)
    ours = MMDetV05DeltaXYWHBBoxCoder(target_means=MEANS, target_stds=STDS)
    legacy = LegacyDeltaXYWHBBoxCoder(target_means=MEANS, target_stds=STDS)
    torch.testing.assert_close(ours.encode(rois, gt), legacy.encode(rois, gt))
