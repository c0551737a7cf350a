import numpy as np
import pytest
import torch
from mmengine.structures import InstanceData
from old_mmdet import old_multiclass_nms

from mmpr.models.detectors import mask_nms, multiclass_nms_order


def box_masks(*boxes):
    masks = torch.zeros(len(boxes), 20, 20, dtype=torch.bool)
    for mask, (x0, y0, x1, y1) in zip(masks, boxes):
        mask[y0:y1, x0:x1] = True
    return masks


def test_mask_nms_in_score_order():
    # 0 and 1 are one object under two classes; 2 overlaps 0 with IoU 0.18
    masks = box_masks((0, 0, 10, 10), (0, 0, 10, 10), (7, 0, 17, 10),
                      (12, 12, 20, 20))
    assert mask_nms(masks, 0.2).tolist() == [0, 2, 3]
    assert mask_nms(masks, 0.1).tolist() == [0, 3]
    # the order given is the score order: the first of a pair stays
    assert mask_nms(masks[[1, 0, 3]], 0.2).tolist() == [0, 2]
    assert mask_nms(masks[:0], 0.2).tolist() == []


# small crowded boxes: seed 0 tells the old IoU (offset=1) from mmdet's,
# seed 1 has fewer than O survivors (class-grouped), seed 7 both
@pytest.mark.parametrize('seed, num', [(0, 16), (1, 10), (7, 10)])
def test_multiclass_nms_order_is_old_mmdets(seed, num):
    """mmdet's NMS with the old IoU (``offset=1``) and one more detection
    than O, then :func:`multiclass_nms_order`: the old detection list."""
    from mmdet.models.layers import multiclass_nms
    rng = np.random.default_rng(seed)
    classes, max_num, score_thr = 3, 10, 0.2
    xy = rng.uniform(0, 8, (num, classes, 2))
    wh = rng.uniform(2, 8, (num, classes, 2))
    boxes = np.concatenate([xy, xy + wh], -1).reshape(num,
                                                      -1).astype(np.float32)
    logits = rng.normal(0, 2, (num, classes + 1))
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    old_scores = probs.astype(np.float32)  # background first
    reference = old_multiclass_nms(
        np.concatenate([np.zeros((num, 4), np.float32), boxes], 1), old_scores,
        score_thr, 0.5, max_num)
    dets, labels = multiclass_nms(
        torch.from_numpy(boxes),
        torch.from_numpy(np.roll(old_scores, -1, axis=1)),  # background last
        score_thr,
        dict(type='nms', iou_threshold=0.5, offset=1),
        max_num=max_num + 1)
    ordered = multiclass_nms_order(
        InstanceData(scores=dets[:, -1], labels=labels), max_num)
    assert [(int(label), round(float(score), 6))
            for label, score in zip(ordered.labels, ordered.scores)] == [
                (label, round(float(score), 6)) for label, score in reference
            ]


def test_class_grouped_order_through_the_mask_nms():
    """The authors' mask NMS keeps the first of two overlapping masks in the
    class-grouped order: here the lower-scoring detection of class 0."""
    masks = box_masks((0, 0, 10, 10), (1, 0, 11, 10), (12, 12, 20, 20))
    detections = InstanceData(
        scores=torch.tensor([0.3, 0.9, 0.5]),
        labels=torch.tensor([0, 2, 1]),
        masks=masks)
    ordered = multiclass_nms_order(detections, 10)
    assert ordered.labels.tolist() == [0, 1, 2]
    kept = ordered[mask_nms(ordered.masks, 0.2)]
    assert kept.scores.tolist() == pytest.approx([0.3, 0.5])
    by_score = detections[detections.scores.argsort(descending=True)]
    kept = by_score[mask_nms(by_score.masks, 0.2)]
    assert kept.scores.tolist() == pytest.approx([0.9, 0.5])
