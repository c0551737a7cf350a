import numpy as np
import pytest

from mmpr.models.reducers import SequenceNMS
from mmpr.structures import InstanceSequences


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
def test_sequence_nms_equals_brute_force(seed, random_sequences):
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


def test_category_aware_keeps_a_sequence_under_several_categories(
        random_sequences):
    _, rles = random_sequences(np.random.default_rng(0), 1)
    rles = [rles[0], list(rles[0])]  # two identical sequences
    class_scores = np.array([[0.6, 0.3], [0.5, 0.4]])
    keep, scores = reduce(
        SequenceNMS(mode='category_aware'), rles, class_scores)
    # identical sequences: merged by the first pass (IoU 1 >= 0.9)
    assert keep == [0]
    np.testing.assert_allclose(scores, [[0.6, 0.3]])
    keep, _ = reduce(SequenceNMS(), rles, class_scores)
    assert keep == [0]


def test_no_sequences():
    keep, scores = reduce(SequenceNMS(), [], np.zeros((0, 3)))
    assert keep == [] and scores.shape == (0, 3)


def test_soft_reduction_decays_overlapping_sequences(random_sequences):
    _, rles = random_sequences(np.random.default_rng(1), 2)
    rles = [rles[0], list(rles[0]), rles[1]]  # 0 and 1 identical
    class_scores = np.array([[0.9], [0.8], [0.0005]])
    keep, scores = reduce(
        SequenceNMS(mode='soft', soft_sigma=0.5, category_score_thr=0.001),
        rles, class_scores)
    # 1 overlaps 0 fully: decayed by exp(-1 / 0.5); 2 is below the floor
    assert keep == [0, 1]
    np.testing.assert_allclose(scores[:, 0], [0.9, 0.8 * np.exp(-2)])
    keep, _ = reduce(
        SequenceNMS(mode='soft', max_per_category=1), rles, class_scores)
    assert keep == [0]
    with pytest.raises(ValueError, match="mode='hard'"):
        SequenceNMS(mode='hard')
