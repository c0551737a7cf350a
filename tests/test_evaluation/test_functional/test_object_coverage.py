import numpy as np
import pytest
from pycocotools import mask as mask_utils

from mmpr.evaluation.functional import frames_covered, objects_followed


def rle(x0: int, x1: int, uncompressed: bool = False) -> dict:
    """An (8, 16) mask of columns x0:x1 (rows 2:6), as RLE."""
    mask = np.zeros((8, 16), np.uint8, order='F')
    mask[2:6, x0:x1] = 1
    if not uncompressed:
        return mask_utils.encode(mask)
    flat = mask.flatten(order='F')
    changes = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], changes, [flat.size]])
    counts = np.diff(bounds).tolist()
    if flat[0]:
        counts = [0] + counts
    return dict(counts=counts, size=[8, 16])


def test_frames_covered_counts_frames_above_the_iou():
    target = [rle(0, 4, uncompressed=True), rle(4, 8, True), None]
    # IoU 1, IoU 3/4, absent object
    assert frames_covered([rle(0, 4), rle(5, 8), rle(0, 4)], target) == 2
    assert frames_covered([rle(0, 4), rle(5, 8), None], target, 0.8) == 1
    assert frames_covered([None, None, None], target) == 0
    with pytest.raises(ValueError, match='2 predicted masks'):
        frames_covered([None, None], target)


def test_objects_followed_picks_the_best_sequence_above_the_score():
    left = [rle(0, 4), rle(1, 5), rle(2, 6), None, rle(3, 7)]
    right = [rle(10, 14), None, rle(10, 14), rle(10, 14), rle(10, 14)]
    # a sequence on `left` in 3 of its 4 frames, a sequence on `right` in
    # all 4 of its frames but scoring low, an empty one
    half = [left[0], left[1], None, None, left[4]]
    sequences = [half, right, [None] * 5]
    scores = [0.5, 0.05, 0.9]
    followed = objects_followed(sequences, scores, [left, right], 0.1)
    assert [(f.visible, f.covered, f.sequence, f.followed)
            for f in followed] == [(4, 3, 0, False), (4, 0, None, False)]
    followed = objects_followed(
        sequences, scores, [left, right], 0.0, min_share=0.75)
    assert [(f.covered, f.sequence, f.followed)
            for f in followed] == [(3, 0, True), (4, 1, True)]
    with pytest.raises(ValueError, match='3 sequences but 2 scores'):
        objects_followed(sequences, scores[:2], [left])
