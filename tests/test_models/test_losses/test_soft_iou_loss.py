import pytest
import torch

from mmpr.models.losses import SoftIoULoss


def masks(*boxes, size=16):
    out = torch.zeros(len(boxes), size, size)
    for i, (y0, y1, x0, x1) in enumerate(boxes):
        out[i, y0:y1, x0:x1] = 1
    return out


def test_perfect_prediction_is_zero():
    target = masks((0, 8, 0, 8), (4, 12, 2, 6))
    assert SoftIoULoss()(target.clone(), target).item() == pytest.approx(
        0, abs=1e-6)


def test_disjoint_prediction_is_one():
    pred = masks((0, 4, 0, 4), (8, 16, 8, 16))
    target = masks((8, 16, 8, 16), (0, 4, 0, 4))
    assert SoftIoULoss()(pred, target).item() == pytest.approx(1)


def test_every_instance_counts_equally():
    # a large instance predicted perfectly and a small one missed: 0.5,
    # whatever their sizes (scale balance)
    target = masks((0, 16, 0, 16), (0, 2, 0, 2))
    pred = target.clone()
    pred[1] = 0
    loss = SoftIoULoss(reduction='none')(pred, target)
    assert loss.tolist() == pytest.approx([0, 1])
    assert SoftIoULoss()(pred, target).item() == pytest.approx(0.5)


def test_soft_values_and_weight():
    target = masks((0, 8, 0, 8))
    pred = target * 0.5
    # sum(min) / sum(max) = 0.5 * 64 / 64
    assert SoftIoULoss()(pred, target).item() == pytest.approx(0.5)
    assert SoftIoULoss(loss_weight=2.0)(
        pred, target, weight=torch.tensor([0.5])).item() == pytest.approx(0.5)
