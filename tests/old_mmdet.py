"""References written from old mmdet's (0.5, the authors' fork) definitions
of box decoding and NMS, for the tests of mmpr's old-mmdet options."""
import math

import torch


def old_delta2bbox(rois,
                   deltas,
                   max_shape,
                   means=(0., 0., 0., 0.),
                   stds=(1., 1., 1., 1.),
                   wh_ratio_clip=16 / 1000):
    """Old mmdet's (0.5) ``delta2bbox``, from its formulas: centre and
    ``+ 1`` size of each RoI, the denormalised deltas applied, corners at
    ``centre -+ size / 2 +- 0.5``, clamped to ``[0, W - 1]``."""
    out = torch.empty_like(deltas)
    max_ratio = abs(math.log(wh_ratio_clip))
    for n, (x1, y1, x2, y2) in enumerate(rois.tolist()):
        px, py = (x1 + x2) * 0.5, (y1 + y2) * 0.5
        pw, ph = x2 - x1 + 1.0, y2 - y1 + 1.0
        for k in range(deltas.shape[1] // 4):
            delta = deltas[n, 4 * k:4 * k + 4].tolist()
            dx, dy, dw, dh = (d * s + m for d, s, m in zip(delta, stds, means))
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


def old_box_iou(a, b) -> float:
    """IoU of old mmdet's NMS kernel: ``+ 1`` widths (x2 is a pixel)."""
    w = max(min(a[2], b[2]) - max(a[0], b[0]) + 1, 0)
    h = max(min(a[3], b[3]) - max(a[1], b[1]) + 1, 0)
    inter = w * h
    area = [(x[2] - x[0] + 1) * (x[3] - x[1] + 1) for x in (a, b)]
    return inter / (area[0] + area[1] - inter)


def old_nms(boxes, scores, iou_thr):
    """Old mmdet's NMS kernel: greedy by score, a box is dropped when its
    :func:`old_box_iou` with a kept one exceeds ``iou_thr``.

    Returns:
        list[int]: Indices of the kept boxes, highest score first.
    """
    kept = []
    for n in sorted(range(len(scores)), key=lambda n: -float(scores[n])):
        if all(old_box_iou(boxes[n], boxes[m]) <= iou_thr for m in kept):
            kept.append(n)
    return kept


def old_multiclass_nms(boxes, scores, score_thr, iou_thr, max_num):
    """Old mmdet's (0.5) ``multiclass_nms``, written from its definition:
    for each class (background first, skipped) the boxes scoring above
    ``score_thr``, greedy NMS by score, survivors appended class by class;
    sorted by score and cut only if more than ``max_num`` survive.

    Returns:
        list[tuple]: (label, score) per detection, in its order.
    """
    out = []
    for c in range(1, scores.shape[1]):
        cands = [n for n in range(len(scores)) if scores[n, c] > score_thr]
        kept = old_nms(boxes[cands, 4 * c:4 * c + 4], scores[cands, c],
                       iou_thr)
        out += [(c - 1, scores[cands[k], c]) for k in kept]
    if len(out) > max_num:
        out = sorted(out, key=lambda d: -d[1])[:max_num]
    return out
