"""Sequence proposal reduction (paper Sec. 3.2, Alg. 2, Eq. 3, Table 5).

Masks of S sequences over T frames are given as ``masks[s][t]``: a
pycocotools RLE dict, or None where sequence ``s`` is absent at frame ``t``
(:attr:`InstanceSequences.masks`).
"""
from typing import List, Optional, Sequence, Tuple

import numpy as np
from pycocotools import mask as mask_utils

from mmpr.registry import MODELS
from mmpr.structures import InstanceSequences, rle_areas
from mmpr.utils import check_arg

SequenceMasks = Sequence[Sequence[Optional[dict]]]


def sequence_overlaps(masks: SequenceMasks) -> Tuple[np.ndarray, np.ndarray]:
    """Summed intersections and unions of every pair of sequences.

    Per frame, pycocotools gives the IoU of every pair of present masks;
    with the mask areas it yields the intersection ``iou * (a + b) / (1 +
    iou)``. Sums run over all frames; an absent mask has area 0.

    Returns:
        tuple[np.ndarray, np.ndarray]: (S, S) summed intersections and
        (S, S) summed unions.
    """
    num = len(masks)
    intersections = np.zeros((num, num))
    areas = np.zeros(num)
    num_frames = len(masks[0]) if num else 0
    for t in range(num_frames):
        present = [s for s in range(num) if masks[s][t] is not None]
        if not present:
            continue
        rles = [masks[s][t] for s in present]
        area = rle_areas(rles)
        areas[present] += area
        iou = np.asarray(mask_utils.iou(rles, rles, [0] * len(rles)))
        pair_area = area[:, None] + area[None, :]
        intersections[np.ix_(present, present)] += iou * pair_area / (1 + iou)
    unions = areas[:, None] + areas[None, :] - intersections
    return intersections, unions


def sequence_iou(masks: SequenceMasks) -> np.ndarray:
    """(S, S) sequence IoU: summed intersections over summed unions (Eq. 3).
    """
    intersections, unions = sequence_overlaps(masks)
    return np.divide(
        intersections,
        unions,
        out=np.zeros_like(intersections),
        where=unions > 0)


def greedy_nms(scores: np.ndarray,
               ious: np.ndarray,
               iou_thr: float,
               score_thr: float = 0.0) -> List[int]:
    """Greedy NMS on a precomputed IoU matrix (Alg. 2).

    Args:
        scores (np.ndarray): (S, ) scores.
        ious (np.ndarray): (S, S) IoUs.
        iou_thr (float): Suppress sequences with IoU >= this with a kept one.
        score_thr (float): Stop below this score, but keep at least one.

    Returns:
        list[int]: Kept indices, highest score first.
    """
    keep: List[int] = []
    suppressed = np.zeros(len(scores), bool)
    for index in np.argsort(-scores, kind='stable'):
        if suppressed[index]:
            continue
        if keep and scores[index] < score_thr:
            break
        keep.append(int(index))
        suppressed |= ious[index] >= iou_thr
    return keep


def gaussian_soft_nms(scores: np.ndarray, ious: np.ndarray, sigma: float,
                      score_thr: float, max_num: int) -> np.ndarray:
    """Gaussian soft-NMS on one score column.

    Repeatedly keeps the best remaining sequence and decays the others by
    ``exp(-iou ** 2 / sigma)``; sequences below ``score_thr`` are dropped.

    Returns:
        np.ndarray: (S, ) decayed scores, -1 for dropped sequences.
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


@MODELS.register_module()
class SequenceNMS:
    """Reduce redundant sequence proposals with sequence NMS.

    The plain reduction (paper Alg. 2) keeps the best-scoring sequence and
    removes every sequence whose sequence IoU (Eq. 3) with it is at least
    ``iou_thr``, until no sequence is left or scores fall below
    ``score_thr``. The category-aware reduction (Table 5, authors' code) first
    merges near duplicates with ``category_aware_iou_thr`` and then, for each
    category separately, runs Gaussian soft-NMS on that category's scores, so
    one mask sequence can be kept under several categories.

    Args:
        iou_thr (float): Sequence IoU threshold theta. Defaults to 0.5.
        score_thr (float): Score floor of the greedy pass (at least one
            sequence is always kept). Defaults to 0.05 (authors' code).
        category_aware (bool): Use the category-aware reduction. Defaults to
            False.
        soft (bool): Instead of the greedy pass, Gaussian soft-NMS of the
            sequence scores with ``soft_sigma``, floor
            ``category_score_thr`` and at most ``max_per_category``
            sequences (the authors' DAVIS-UVOS reduction: 0.5, 0.001, 20).
            Defaults to False.
        category_aware_iou_thr (float): IoU threshold of its first pass.
            Defaults to 0.9.
        soft_sigma (float): Gaussian soft-NMS sigma. Defaults to 0.5.
        category_score_thr (float): Per-category score floor of the soft-NMS.
            Defaults to 0.001.
        max_per_category (int): Most sequences per category. Defaults to 100.
    """

    def __init__(self,
                 iou_thr: float = 0.5,
                 score_thr: float = 0.05,
                 category_aware: bool = False,
                 soft: bool = False,
                 category_aware_iou_thr: float = 0.9,
                 soft_sigma: float = 0.5,
                 category_score_thr: float = 0.001,
                 max_per_category: int = 100) -> None:
        for name, value, kind, low in (
            ('iou_thr', iou_thr, float, 0),
            ('score_thr', score_thr, float, None),
            ('category_aware', category_aware, bool, None),
            ('soft', soft, bool, None),
            ('category_aware_iou_thr', category_aware_iou_thr, float, 0),
            ('soft_sigma', soft_sigma, float, 0),
            ('category_score_thr', category_score_thr, float, None),
            ('max_per_category', max_per_category, int, 1),
        ):
            check_arg('SequenceNMS', name, value, kind, low)
        self.iou_thr = iou_thr
        self.score_thr = score_thr
        if soft and category_aware:
            raise ValueError('SequenceNMS: soft and category_aware are two '
                             'reductions; choose one')
        self.category_aware = category_aware
        self.soft = soft
        self.category_aware_iou_thr = category_aware_iou_thr
        self.soft_sigma = soft_sigma
        self.category_score_thr = category_score_thr
        self.max_per_category = max_per_category

    def __call__(self, sequences: InstanceSequences) -> InstanceSequences:
        """Reduce S sequences.

        Args:
            sequences (InstanceSequences): The proposals; their class scores
                are Eq. 2's per-class scores.

        Returns:
            InstanceSequences: The kept sequences, highest score first; with
            the category-aware reduction a class a sequence is not kept for
            scores -1.
        """
        if not len(sequences):
            return sequences
        ious = sequence_iou(sequences.masks)
        class_scores = sequences.class_scores
        scores = class_scores.max(axis=1)
        if self.soft:
            decayed = gaussian_soft_nms(scores, ious, self.soft_sigma,
                                        self.category_score_thr,
                                        self.max_per_category)
            keep = [
                int(k) for k in np.argsort(-decayed, kind='stable')
                if decayed[k] >= 0
            ]
            # the decayed score of a sequence scales all its class scores
            factor = decayed[keep] / np.maximum(scores[keep], 1e-12)
            return sequences.select(keep, class_scores[keep] * factor[:, None])
        if not self.category_aware:
            return sequences.select(
                greedy_nms(scores, ious, self.iou_thr, self.score_thr))
        keep = greedy_nms(scores, ious, self.category_aware_iou_thr,
                          self.score_thr)
        ious = ious[np.ix_(keep, keep)]
        reduced = np.stack([
            gaussian_soft_nms(class_scores[keep, c], ious, self.soft_sigma,
                              self.category_score_thr, self.max_per_category)
            for c in range(class_scores.shape[1])
        ],
                           axis=1)
        alive = (reduced >= 0).any(axis=1)
        return sequences.select([k for k, a in zip(keep, alive) if a],
                                reduced[alive])
