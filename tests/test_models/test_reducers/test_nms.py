import numpy as np
import pytest
import torch

from mmpr.models.reducers import gaussian_soft_nms, greedy_nms, uncovered_masks


def test_greedy_nms_by_score_or_in_order():
    ious = np.array([[1.0, 0.6, 0.1], [0.6, 1.0, 0.7], [0.1, 0.7, 1.0]])
    scores = np.array([0.5, 0.9, 0.8])
    # 1 first, which suppresses 0 (0.6) and 2 (0.7)
    assert greedy_nms(ious, 0.5, scores) == [1]
    assert greedy_nms(ious, 0.65, scores) == [1, 0]
    # in index order: 0 suppresses 1, then 2 is kept
    assert greedy_nms(ious, 0.5) == [0, 2]
    assert greedy_nms(np.zeros((0, 0)), 0.5) == []


def test_greedy_nms_keeps_one_below_the_floor():
    ious = np.eye(2)
    assert greedy_nms(ious, 0.5, np.array([0.01, 0.02]), 0.05) == [1]


def test_gaussian_soft_nms():
    ious = np.array([[1.0, 0.8, 0.0], [0.8, 1.0, 0.0], [0.0, 0.0, 1.0]])
    out = gaussian_soft_nms(np.array([0.9, 0.8, 0.01]), ious, 0.5, 0.05, 100)
    assert out[0] == 0.9
    assert out[1] == pytest.approx(0.8 * np.exp(-0.64 / 0.5))
    assert out[2] == -1  # below the floor
    assert (gaussian_soft_nms(
        np.array([0.9, 0.8, 0.7]), np.eye(3), 0.5, 0.0, 2) >= 0).sum() == 2


def test_uncovered_masks_are_those_no_covered_mask_overlaps_enough():
    masks = torch.zeros(3, 4, 4, dtype=torch.bool)
    masks[0, :2] = True  # 8 pixels
    masks[1, 2:] = True
    masks[2, :, :1] = True
    covered = torch.zeros(1, 4, 4, dtype=torch.bool)
    covered[0, :2, :3] = True  # IoU 6 / 8 with mask 0, 2 / 8 with mask 2
    assert uncovered_masks(masks, covered, 0.5).tolist() == [1, 2]
    assert uncovered_masks(masks, covered, 0.2).tolist() == [1]
    assert uncovered_masks(masks, covered[:0], 0.5).tolist() == [0, 1, 2]
