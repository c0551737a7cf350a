import numpy as np
import pytest
from pycocotools import mask as mask_utils

from mmpr.structures import sequence_iou, sequence_overlaps


def brute_force_overlaps(dense, others):
    """Summed intersections and areas from dense (S, T, H, W) masks."""
    inter = np.array([[(a & b).sum() for b in others] for a in dense])
    return inter, dense.sum((1, 2, 3)), others.sum((1, 2, 3))


@pytest.mark.parametrize('seed', range(5))
def test_sequence_iou_equals_brute_force(seed, random_sequences):
    dense, rles = random_sequences(np.random.default_rng(seed), 9)
    inter, areas, _ = brute_force_overlaps(dense, dense)
    union = areas[:, None] + areas[None] - inter
    expected = np.divide(
        inter, union, out=np.zeros(inter.shape), where=union > 0)
    np.testing.assert_allclose(sequence_iou(rles), expected, atol=1e-9)


def test_overlaps_of_two_sets_equal_brute_force(random_sequences):
    rng = np.random.default_rng(7)
    dense, rles = random_sequences(rng, 5)
    other_dense, other_rles = random_sequences(rng, 3)
    ours = sequence_overlaps(rles, other_rles)
    for mine, theirs in zip(ours, brute_force_overlaps(dense, other_dense)):
        np.testing.assert_allclose(mine, theirs, atol=1e-6)
    assert sequence_overlaps([], other_rles)[0].shape == (0, 3)


def test_sequence_iou_of_more_than_255_sequences():
    # K = all frames of a long video gives hundreds of proposals; pycocotools
    # cannot measure more than 255 RLEs in one call under numpy 2
    mask = np.zeros((8, 8, 1), np.uint8, order='F')
    mask[2:6, 2:6] = 1
    rle = mask_utils.encode(mask)[0]
    ious = sequence_iou([[rle, None]] * 300)
    assert ious.shape == (300, 300)
    assert np.allclose(ious, 1.0)
