import pytest
import torch
from mmdet.models.task_modules.coders import LegacyDeltaXYWHBBoxCoder
from old_mmdet import old_delta2bbox

from mmpr.models import MMDetV05DeltaXYWHBBoxCoder
from mmpr.registry import TASK_UTILS

MEANS, STDS = (0., 0., 0., 0.), (0.1, 0.1, 0.2, 0.2)


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
    reference = old_delta2bbox(rois, deltas, (300, 400), MEANS, STDS)
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
