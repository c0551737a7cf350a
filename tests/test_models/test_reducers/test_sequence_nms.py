import numpy as np
import pytest
from pycocotools import mask as mask_utils

from mmpr.models.reducers import (SequenceNMS, gaussian_soft_nms, greedy_nms,
                                  sequence_iou)
from mmpr.structures import InstanceSequences


def random_sequences(rng, num, num_frames=6, size=(24, 32)):
    """Dense (S, T, H, W) masks of moving boxes, some absent in frames,
    and the same as RLE (None where absent)."""
    dense = np.zeros((num, num_frames, *size), bool)
    for s in range(num):
        y, x = rng.integers(0, 12), rng.integers(0, 16)
        h, w = rng.integers(4, 12), rng.integers(4, 16)
        for t in range(num_frames):
            if rng.random() < 0.2:
                continue  # absent
            dy, dx = rng.integers(-2, 3, 2)
            dense[s, t,
                  max(y + dy, 0):y + dy + h,
                  max(x + dx, 0):x + dx + w] = 1
    rles = [[
        mask_utils.encode(np.asfortranarray(dense[s, t].astype(np.uint8)))
        if dense[s, t].any() else None for t in range(num_frames)
    ] for s in range(num)]
    return dense, rles


def brute_force_iou(dense):
    num = len(dense)
    ious = np.zeros((num, num))
    for i in range(num):
        for j in range(num):
            inter = (dense[i] & dense[j]).sum()
            union = (dense[i] | dense[j]).sum()
            ious[i, j] = inter / union if union else 0
    return ious


def reduce(reducer, rles, class_scores):
    """Run a reducer on proposals; the kept indices and their scores."""
    num_frames = len(rles[0]) if rles else 1
    proposals = InstanceSequences(rles, class_scores, (24, 32), num_frames)
    reduced = reducer(proposals)
    rows = [id(row) for row in rles]
    return [rows.index(id(row)) for row in reduced.masks], reduced.class_scores


def brute_force_nms(scores, ious, iou_thr, score_thr):
    remaining = list(range(len(scores)))
    keep = []
    while remaining:
        best = max(remaining, key=lambda i: (scores[i], -i))
        if keep and scores[best] < score_thr:
            break
        keep.append(best)
        remaining = [
            i for i in remaining if i != best and ious[best, i] < iou_thr
        ]
    return keep


@pytest.mark.parametrize('seed', range(5))
def test_sequence_iou_equals_brute_force(seed):
    dense, rles = random_sequences(np.random.default_rng(seed), 9)
    np.testing.assert_allclose(
        sequence_iou(rles), brute_force_iou(dense), atol=1e-9)


@pytest.mark.parametrize('seed', range(5))
def test_sequence_nms_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    dense, rles = random_sequences(rng, 12)
    # near duplicates, so that something is suppressed
    dense = np.concatenate([dense, dense[:4]])
    rles = rles + [list(row) for row in rles[:4]]
    class_scores = rng.random((16, 3))
    keep, kept_scores = reduce(
        SequenceNMS(iou_thr=0.5, score_thr=0.2), rles, class_scores)
    expected = brute_force_nms(
        class_scores.max(1), brute_force_iou(dense), 0.5, 0.2)
    assert keep == expected
    np.testing.assert_array_equal(kept_scores, class_scores[expected])
    assert len(keep) < 16


def test_greedy_nms_keeps_one_below_the_floor():
    ious = np.eye(2)
    assert greedy_nms(np.array([0.01, 0.02]), ious, 0.5, 0.05) == [1]


def test_gaussian_soft_nms():
    ious = np.array([[1.0, 0.8, 0.0], [0.8, 1.0, 0.0], [0.0, 0.0, 1.0]])
    out = gaussian_soft_nms(np.array([0.9, 0.8, 0.01]), ious, 0.5, 0.05, 100)
    assert out[0] == 0.9
    assert out[1] == pytest.approx(0.8 * np.exp(-0.64 / 0.5))
    assert out[2] == -1  # below the floor
    assert (gaussian_soft_nms(
        np.array([0.9, 0.8, 0.7]), np.eye(3), 0.5, 0.0, 2) >= 0).sum() == 2


def test_category_aware_keeps_a_sequence_under_several_categories():
    _, rles = random_sequences(np.random.default_rng(0), 1)
    rles = [rles[0], list(rles[0])]  # two identical sequences
    class_scores = np.array([[0.6, 0.3], [0.5, 0.4]])
    keep, scores = reduce(SequenceNMS(category_aware=True), rles, class_scores)
    # identical sequences: merged by the first pass (IoU 1 >= 0.9)
    assert keep == [0]
    np.testing.assert_allclose(scores, [[0.6, 0.3]])
    keep, _ = reduce(SequenceNMS(), rles, class_scores)
    assert keep == [0]


def test_no_sequences():
    keep, scores = reduce(SequenceNMS(), [], np.zeros((0, 3)))
    assert keep == [] and scores.shape == (0, 3)


def test_sequence_iou_of_more_than_255_sequences():
    # K = all frames of a long video gives hundreds of proposals; pycocotools
    # cannot measure more than 255 RLEs in one call under numpy 2
    mask = np.zeros((8, 8, 1), np.uint8, order='F')
    mask[2:6, 2:6] = 1
    rle = mask_utils.encode(mask)[0]
    ious = sequence_iou([[rle, None]] * 300)
    assert ious.shape == (300, 300)
    assert np.allclose(ious, 1.0)


def test_soft_reduction_decays_overlapping_sequences():
    _, rles = random_sequences(np.random.default_rng(1), 2)
    rles = [rles[0], list(rles[0]), rles[1]]  # 0 and 1 identical
    class_scores = np.array([[0.9], [0.8], [0.0005]])
    keep, scores = reduce(
        SequenceNMS(soft=True, soft_sigma=0.5, category_score_thr=0.001), rles,
        class_scores)
    # 1 overlaps 0 fully: decayed by exp(-1 / 0.5); 2 is below the floor
    assert keep == [0, 1]
    np.testing.assert_allclose(scores[:, 0], [0.9, 0.8 * np.exp(-2)])
    keep, _ = reduce(
        SequenceNMS(soft=True, max_per_category=1), rles, class_scores)
    assert keep == [0]
    with pytest.raises(ValueError, match='choose one'):
        SequenceNMS(soft=True, category_aware=True)
