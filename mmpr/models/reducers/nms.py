"""The suppression steps of Reduce: one greedy NMS and one Gaussian
soft-NMS on precomputed IoU matrices, used by the key-frame mask NMS
(:func:`mmpr.models.detectors.mask_nms`) and the sequence NMS
(:class:`SequenceNMS`), and the suppression of early reduction
(:func:`uncovered_masks`).

Shape shorthand: N candidates (masks or sequences).
"""
from typing import List, Optional

import numpy as np
import torch
from torch import Tensor

from mmpr.structures import mask_ious


def greedy_nms(ious: np.ndarray,
               iou_thr: float,
               scores: Optional[np.ndarray] = None,
               score_thr: Optional[float] = None) -> List[int]:
    """Greedy NMS (paper Alg. 2): keep the best remaining candidate, drop
    every candidate whose IoU with it is at least ``iou_thr``, repeat.

    Args:
        ious (np.ndarray): (N, N) symmetric IoUs.
        iou_thr (float): Suppression threshold.
        scores (np.ndarray, optional): (N, ) scores, visited highest first
            (ties in index order); None visits the candidates in index order.
        score_thr (float, optional): Stop below this score, but keep at
            least one.

    Returns:
        list[int]: Kept indices, in the order visited.
    """
    order = (
        np.arange(len(ious)) if scores is None else np.argsort(
            -scores, kind='stable'))
    keep: List[int] = []
    suppressed = np.zeros(len(ious), bool)
    for index in order:
        if suppressed[index]:
            continue
        if keep and score_thr is not None and scores[index] < score_thr:
            break
        keep.append(int(index))
        suppressed |= ious[index] >= iou_thr
    return keep


def gaussian_soft_nms(scores: np.ndarray, ious: np.ndarray, sigma: float,
                      score_thr: float, max_num: int) -> np.ndarray:
    """Gaussian soft-NMS on one score column.

    Repeatedly keeps the best remaining candidate and decays the others by
    ``exp(-iou ** 2 / sigma)``; candidates below ``score_thr`` are dropped.

    Returns:
        np.ndarray: (N, ) decayed scores, -1 for dropped candidates.
    """
    scores = scores.astype(np.float64).copy()
    out = np.full(len(scores), -1.0)
    remaining = np.flatnonzero(scores >= score_thr)
    while len(remaining) and (out >= 0).sum() < max_num:
        best = remaining[np.argmax(scores[remaining])]
        out[best] = scores[best]
        remaining = remaining[remaining != best]
        scores[remaining] *= np.exp(-ious[best, remaining]**2 / sigma)
        remaining = remaining[scores[remaining] >= score_thr]
    return out


def uncovered_masks(masks: Tensor, covered: Tensor, iou_thr: float) -> Tensor:
    """Indices of the masks whose IoU with every covered mask is below
    ``iou_thr``: early reduction, where a key-frame detection that a
    propagated sequence covers starts no sequence (the sequence NMS would
    keep one of the two).

    Args:
        masks (Tensor): (N, H, W) bool detections.
        covered (Tensor): (M, H, W) bool masks already there.
        iou_thr (float): Mask IoU from which a detection is covered.

    Returns:
        Tensor: (N', ) indices into ``masks``, ascending.
    """
    ious = mask_ious(masks, covered)
    if not ious.numel():
        return torch.arange(len(masks), device=masks.device)
    return torch.nonzero(ious.max(dim=1).values < iou_thr)[:, 0]
