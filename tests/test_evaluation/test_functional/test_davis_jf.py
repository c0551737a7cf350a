import numpy as np
import pytest

from mmpr.evaluation.functional import (average_objects, boundary_tolerance,
                                        disk, evaluate_sequence, pairwise_jf,
                                        seg2bmap)


def box(top, left, bottom, right, shape=(60, 80)):
    mask = np.zeros(shape, bool)
    mask[top:bottom, left:right] = True
    return mask


def video(*frames):
    """Per-frame (G, H, W) masks from per-object lists of (H, W) masks."""
    return [np.stack(objects) for objects in zip(*frames)]


def test_boundary_definition():
    mask = box(1, 1, 3, 4, shape=(5, 6))
    # a pixel differing from its right, bottom or bottom-right neighbour
    expected = [[1, 1, 1, 1, 0, 0],
                [1, 0, 0, 1, 0, 0],
                [1, 1, 1, 1, 0, 0],
                [0, 0, 0, 0, 0, 0],
                [0, 0, 0, 0, 0, 0]]  # yapf: disable
    assert seg2bmap(mask).astype(int).tolist() == expected
    # a full frame has no boundary; masks stack on leading dimensions
    np.testing.assert_array_equal(
        seg2bmap(np.stack([mask, np.ones_like(mask)])),
        np.stack([expected, np.zeros_like(mask)]))
    assert boundary_tolerance(480, 854) == 8  # ceil(0.008 * 979.6)
    assert boundary_tolerance(480, 854, bound_th=3) == 3
    assert disk(1).tolist() == [[0, 1, 0], [1, 1, 1], [0, 1, 0]]


def test_identical_masks_score_one():
    masks = np.stack([box(5, 5, 30, 40), box(20, 30, 50, 70)])
    j, f = pairwise_jf(masks, masks)
    np.testing.assert_array_equal(np.diag(j), [1, 1])
    np.testing.assert_array_equal(np.diag(f), [1, 1])
    assert j[0, 1] < 1 and f[0, 1] < 1
    scores = evaluate_sequence([masks] * 3, [masks] * 3)
    np.testing.assert_array_equal(scores.j, np.ones((2, 3)))
    np.testing.assert_array_equal(scores.f, np.ones((2, 3)))
    assert average_objects([scores.object_j], [scores.object_f]) == {
        'J&F': 1.0,
        'J': 1.0,
        'F': 1.0
    }


def test_hand_computed_iou():
    a = box(0, 0, 10, 10)  # 100 pixels
    b = box(5, 5, 15, 20)  # 150 pixels, 25 shared
    j, _ = pairwise_jf(a[None], b[None])
    assert j[0, 0] == pytest.approx(25 / 225)
    # void pixels are removed from both masks
    void = box(0, 0, 5, 80)
    j, _ = pairwise_jf(a[None], b[None], void=void)
    assert j[0, 0] == pytest.approx(25 / (50 + 150 - 25))


def test_one_pixel_shift():
    mask = box(10, 10, 40, 50)  # 30 x 40 pixels
    assert boundary_tolerance(*mask.shape) == 1  # ceil(0.008 * 100)
    # right by 1 px: every boundary pixel is 1 px from the other boundary
    j, f = pairwise_jf(mask[None], np.roll(mask, 1, axis=1)[None])
    assert j[0, 0] == pytest.approx(39 / 41)
    assert f[0, 0] == 1
    # diagonally by 1 px: the corners are sqrt(2) px away
    shifted = np.roll(mask, (1, 1), axis=(0, 1))
    j, f = pairwise_jf(mask[None], shifted[None])
    assert j[0, 0] == pytest.approx(29 * 39 / (30 * 40 * 2 - 29 * 39))
    assert f[0, 0] < 1
    scores = evaluate_sequence([mask[None]], [shifted[None]])
    assert (scores.object_j + scores.object_f)[0] / 2 < 1


def test_empty_frames():
    empty = np.zeros((60, 80), bool)
    mask = box(10, 10, 40, 50)
    j, f = pairwise_jf(empty[None], empty[None])
    assert (j[0, 0], f[0, 0]) == (1, 1)
    for gt, pred in ((mask, empty), (empty, mask)):
        j, f = pairwise_jf(gt[None], pred[None])
        assert (j[0, 0], f[0, 0]) == (0, 0)
    # the object is absent in 2 of 4 frames; so is the prediction
    scores = evaluate_sequence(
        video([mask, empty, mask, empty]), video([mask, empty, empty, mask]))
    np.testing.assert_array_equal(scores.j, [[1, 1, 0, 0]])
    assert scores.object_j.tolist() == [0.5]


def test_hungarian_matching_permutation():
    objects = [box(0, 0, 20, 20), box(0, 40, 20, 80), box(30, 0, 60, 30)]
    gt = np.stack(objects)
    # a false positive first, then the objects in the order 2, 0, 1
    preds = np.stack([box(25, 40, 60, 80), objects[2], objects[0], objects[1]])
    scores = evaluate_sequence([gt, gt], [preds, preds])
    assert scores.assignment.tolist() == [2, 3, 1]
    np.testing.assert_array_equal(scores.j, np.ones((3, 2)))


def test_at_most_20_predictions():
    gt = box(0, 0, 20, 20)[None]
    junk = np.stack([box(40, 40, 50, 50)] * 20)
    # the only right prediction comes 21st: it is ignored
    preds = np.concatenate([junk, gt])
    scores = evaluate_sequence([gt], [preds])
    assert scores.object_j.tolist() == [0]
    scores = evaluate_sequence([gt], [preds], max_proposals=21)
    assert scores.object_j.tolist() == [1]
    assert scores.assignment.tolist() == [20]


def test_unmatched_object_scores_zero():
    first, second = box(0, 0, 20, 20), box(30, 30, 60, 70)
    gt = np.stack([first, second])
    scores = evaluate_sequence([gt] * 2, [first[None]] * 2)
    np.testing.assert_array_equal(scores.j, [[1, 1], [0, 0]])
    np.testing.assert_array_equal(scores.f, [[1, 1], [0, 0]])
    # no prediction at all
    scores = evaluate_sequence([gt], [np.zeros((0, 60, 80), bool)])
    assert scores.object_j.tolist() == scores.object_f.tolist() == [0, 0]
    assert average_objects([[1.0], scores.object_j],
                           [[1.0], scores.object_f])['J&F'] == 1 / 3


def test_errors():
    gt = box(0, 0, 20, 20)[None]
    with pytest.raises(ValueError, match='differ in size'):
        pairwise_jf(gt, np.zeros((1, 10, 10), bool))
    with pytest.raises(ValueError, match='frame 1 has 1 objects and 2'):
        evaluate_sequence([gt, gt], [gt, np.concatenate([gt, gt])])
    with pytest.raises(ValueError, match='shorter'):
        evaluate_sequence([gt, gt], [gt])
    with pytest.raises(ValueError, match='at least one frame'):
        evaluate_sequence([], [])
    with pytest.raises(ValueError, match='number'):
        average_objects([], [])
