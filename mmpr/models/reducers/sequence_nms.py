"""Sequence proposal reduction (paper Sec. 3.2, Alg. 2, Eq. 3, Table 5)."""
import numpy as np

from mmpr.registry import MODELS
from mmpr.structures import InstanceSequences, sequence_iou
from mmpr.utils import check_arg, check_choice
from .nms import gaussian_soft_nms, greedy_nms

MODES = ('greedy', 'soft', 'category_aware')


@MODELS.register_module()
class SequenceNMS:
    """Reduce redundant sequence proposals with sequence NMS.

    Three modes. ``'greedy'`` (paper Alg. 2) keeps the best-scoring sequence
    and removes every sequence whose sequence IoU (Eq. 3) with it is at
    least ``iou_thr``, until no sequence is left or scores fall below
    ``score_thr``. ``'soft'`` (the authors' DAVIS-UVOS reduction) runs
    Gaussian soft-NMS on the sequence scores instead, with ``soft_sigma``,
    floor ``category_score_thr`` and at most ``max_per_category`` sequences
    (theirs: 0.5, 0.001, 20). ``'category_aware'`` (Table 5, the authors'
    code) first merges near duplicates greedily at
    ``category_aware_iou_thr`` and then, for each category separately, runs
    Gaussian soft-NMS on that category's scores, so one mask sequence can be
    kept under several categories.

    Args:
        iou_thr (float): Sequence IoU threshold theta. Defaults to 0.5.
        score_thr (float): Score floor of the greedy passes (at least one
            sequence is always kept). Defaults to 0.05 (authors' code).
        mode (str): ``'greedy'``, ``'soft'`` or ``'category_aware'``.
            Defaults to 'greedy'.
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
                 mode: str = 'greedy',
                 category_aware_iou_thr: float = 0.9,
                 soft_sigma: float = 0.5,
                 category_score_thr: float = 0.001,
                 max_per_category: int = 100) -> None:
        for name, value, kind, low in (
            ('iou_thr', iou_thr, float, 0),
            ('score_thr', score_thr, float, None),
            ('category_aware_iou_thr', category_aware_iou_thr, float, 0),
            ('soft_sigma', soft_sigma, float, 0),
            ('category_score_thr', category_score_thr, float, None),
            ('max_per_category', max_per_category, int, 1),
        ):
            check_arg('SequenceNMS', name, value, kind, low)
        self.iou_thr = iou_thr
        self.score_thr = score_thr
        check_choice('SequenceNMS', 'mode', mode, MODES)
        self.mode = mode
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
        if self.mode == 'soft':
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
        if self.mode == 'greedy':
            return sequences.select(
                greedy_nms(ious, self.iou_thr, scores, self.score_thr))
        keep = greedy_nms(ious, self.category_aware_iou_thr, scores,
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
