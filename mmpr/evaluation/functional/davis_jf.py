"""Region (J) and boundary (F) measures of the DAVIS benchmark.

Written from the definitions of the DAVIS 2017 and 2019 challenges
(Pont-Tuset et al., arXiv:1704.00675; Caelles et al., arXiv:1905.00737) and
of their evaluation package ``davis2017-evaluation``
(``db_eval_iou``, ``db_eval_boundary``, ``_evaluate_unsupervised``):

- J is the intersection over union of two masks; two empty masks score 1.
- F is the F-measure of boundary precision and recall. A boundary pixel
  matches when the other mask's boundary lies within
  ``ceil(bound_th * image diagonal)`` pixels (a disk dilation); two masks
  without boundary score 1.
- Void pixels, where given, are removed from both masks first.
- Unsupervised protocol, per sequence: every (ground-truth object,
  predicted object) pair gets a J and an F per frame; at most
  ``max_proposals`` (20) predictions count, and empty predictions are added
  until there are as many as objects; the Hungarian matching maximises the
  mean over frames of (J + F) / 2, so each object gets one prediction. An
  object left with an empty prediction scores 0 on the frames where it is
  visible and 1 (both empty) on those where it is absent. The data-set
  score is the mean over all objects of all sequences of J, of F, and J&F
  is their mean.

Differences from ``davis2017-evaluation``: it counts objects 1..max index
of a sequence's first annotated frame, here every object annotated in any
frame counts (the same when all objects are in the first frame); it stops
on more than 20 predicted objects, here the first 20 count.

Shape shorthand: G ground-truth objects, P predicted objects, T frames,
H, W frame height and width.
"""
import math
from typing import Dict, Iterable, NamedTuple, Optional, Sequence, Tuple

import cv2
import numpy as np
from scipy.optimize import linear_sum_assignment

BOUND_TH = 0.008
MAX_PROPOSALS = 20


def seg2bmap(masks: np.ndarray) -> np.ndarray:
    """One-pixel-wide boundaries of masks, as DAVIS defines them.

    A pixel is a boundary pixel when it differs from its right, bottom or
    bottom-right neighbour; on the last row only the right neighbour and on
    the last column only the bottom neighbour count, and the bottom-right
    pixel is never a boundary pixel.

    Args:
        masks (np.ndarray): (..., H, W) masks; non-zero is foreground.

    Returns:
        np.ndarray: (..., H, W) bool boundaries.
    """
    seg = masks.astype(bool)
    right = np.zeros_like(seg)
    below = np.zeros_like(seg)
    below_right = np.zeros_like(seg)
    right[..., :, :-1] = seg[..., :, 1:]
    below[..., :-1, :] = seg[..., 1:, :]
    below_right[..., :-1, :-1] = seg[..., 1:, 1:]
    boundary = (seg ^ right) | (seg ^ below) | (seg ^ below_right)
    boundary[..., -1, :] = seg[..., -1, :] ^ right[..., -1, :]
    boundary[..., :, -1] = seg[..., :, -1] ^ below[..., :, -1]
    boundary[..., -1, -1] = False
    return boundary


def boundary_tolerance(height: int,
                       width: int,
                       bound_th: float = BOUND_TH) -> int:
    """Radius in pixels within which two boundary pixels match.

    Args:
        height (int): Frame height.
        width (int): Frame width.
        bound_th (float): A fraction of the image diagonal if below 1,
            else a number of pixels.

    Returns:
        int: ``ceil(bound_th * diagonal)``, or ``bound_th`` itself if >= 1.
    """
    if bound_th >= 1:
        return int(bound_th)
    return math.ceil(bound_th * math.hypot(height, width))


def disk(radius: int) -> np.ndarray:
    """Disk structuring element: offsets (dy, dx) with dy² + dx² <= r².

    Args:
        radius (int): Radius in pixels.

    Returns:
        np.ndarray: (2 * radius + 1, 2 * radius + 1) uint8 kernel.
    """
    offsets = np.arange(-radius, radius + 1)
    return (offsets[:, None]**2 + offsets[None, :]**2
            <= radius**2).astype(np.uint8)


def _dilate(masks: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Dilate each (H, W) mask of (N, H, W) masks; returns (N, H, W) bool."""
    out = np.empty(masks.shape, bool)
    for i, mask in enumerate(masks):
        out[i] = cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)
    return out


def _flat(masks: np.ndarray) -> np.ndarray:
    """(N, H, W) -> (N, H * W); also for N = 0."""
    return masks.reshape(masks.shape[0], masks.shape[1] * masks.shape[2])


def _area(masks: np.ndarray) -> np.ndarray:
    """(N, H, W) bool -> (N, ) float64 foreground pixels."""
    return _flat(masks).sum(1).astype(np.float64)


def _pair_counts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pixels set in both masks of every pair.

    Args:
        a (np.ndarray): (N, H, W) bool.
        b (np.ndarray): (M, H, W) bool.

    Returns:
        np.ndarray: (N, M) float64 counts.
    """
    # float32 sums of 0/1 are exact below 2**24 pixels
    a, b = _flat(a).astype(np.float32), _flat(b).astype(np.float32)
    return (a @ b.T).astype(np.float64)


def pairwise_jf(gt_masks: np.ndarray,
                pred_masks: np.ndarray,
                void: Optional[np.ndarray] = None,
                bound_th: float = BOUND_TH) -> Tuple[np.ndarray, np.ndarray]:
    """J and F of every (object, prediction) pair in one frame.

    Args:
        gt_masks (np.ndarray): (G, H, W) ground-truth masks.
        pred_masks (np.ndarray): (P, H, W) predicted masks.
        void (np.ndarray, optional): (H, W) void pixels, ignored in both.
        bound_th (float): Boundary tolerance, see
            :func:`boundary_tolerance`.

    Returns:
        tuple[np.ndarray, np.ndarray]: J and F, each (G, P) float64.
    """
    if gt_masks.shape[1:] != pred_masks.shape[1:]:
        raise ValueError(f'ground truth {gt_masks.shape[1:]} and '
                         f'predictions {pred_masks.shape[1:]} differ in size')
    gt = gt_masks.astype(bool)
    pred = pred_masks.astype(bool)
    if void is not None:
        gt = gt & ~void.astype(bool)
        pred = pred & ~void.astype(bool)

    # J: |gt & pred| / |gt | pred|, 1 where both are empty
    inter = _pair_counts(gt, pred)
    union = _area(gt)[:, None] + _area(pred)[None, :] - inter
    j = np.divide(inter, union, out=np.ones_like(inter), where=union > 0)

    # F: boundary pixels of one mask within the tolerance of the other's
    kernel = disk(boundary_tolerance(*gt.shape[1:], bound_th))
    gt_bound, pred_bound = seg2bmap(gt), seg2bmap(pred)
    pred_hits = _pair_counts(_dilate(gt_bound, kernel), pred_bound)
    gt_hits = _pair_counts(gt_bound, _dilate(pred_bound, kernel))
    n_gt, n_pred = _area(gt_bound)[:, None], _area(pred_bound)[None, :]
    # without predicted boundary the precision is 1, without ground-truth
    # boundary the recall is 1: F = 1 if both are empty, else 0 if one is
    precision = np.divide(
        pred_hits, n_pred, out=np.ones_like(pred_hits), where=n_pred > 0)
    recall = np.divide(
        gt_hits, n_gt, out=np.ones_like(gt_hits), where=n_gt > 0)
    total = precision + recall
    f = np.divide(
        2 * precision * recall,
        total,
        out=np.zeros_like(total),
        where=total > 0)
    return j, f


class SequenceJF(NamedTuple):
    """Per-frame J and F of the objects of one sequence, after matching.

    Attributes:
        j (np.ndarray): (G, T) J of each object with its matched prediction.
        f (np.ndarray): (G, T) F of each object with its matched prediction.
        assignment (np.ndarray): (G, ) index of the prediction matched to
            each object; indices >= P are the added empty predictions.
    """
    j: np.ndarray
    f: np.ndarray
    assignment: np.ndarray

    @property
    def object_j(self) -> np.ndarray:
        """(G, ) J-mean over frames of each object."""
        return self.j.mean(axis=1)

    @property
    def object_f(self) -> np.ndarray:
        """(G, ) F-mean over frames of each object."""
        return self.f.mean(axis=1)


def evaluate_sequence(gt_frames: Iterable[np.ndarray],
                      pred_frames: Iterable[np.ndarray],
                      void_frames: Optional[Iterable[np.ndarray]] = None,
                      max_proposals: int = MAX_PROPOSALS,
                      bound_th: float = BOUND_TH) -> SequenceJF:
    """Score one sequence by the unsupervised (UVOS) protocol.

    Frames are consumed one at a time, so only one frame's masks are held.

    Args:
        gt_frames (Iterable[np.ndarray]): Per frame, (G, H, W) masks of the
            sequence's objects, in a fixed object order (an object absent
            from a frame has an empty mask).
        pred_frames (Iterable[np.ndarray]): Per frame, (P, H, W) predicted
            masks in a fixed order; only the first ``max_proposals`` count.
            As many frames as ``gt_frames``.
        void_frames (Iterable[np.ndarray], optional): Per frame, (H, W)
            void pixels.
        max_proposals (int): Most predicted objects that count.
        bound_th (float): Boundary tolerance, see
            :func:`boundary_tolerance`.

    Returns:
        SequenceJF: Per-frame J and F of each object with the prediction the
        Hungarian matching assigned to it.
    """
    voids = iter(void_frames) if void_frames is not None else None
    j_frames, f_frames, counts = [], [], None
    for gt, pred in zip(gt_frames, pred_frames, strict=True):
        pred = pred[:max_proposals]
        counts = counts or (len(gt), len(pred))
        if (len(gt), len(pred)) != counts:
            raise ValueError(
                f'frame {len(j_frames)} has {len(gt)} objects and '
                f'{len(pred)} predictions, frame 0 had {counts[0]} and '
                f'{counts[1]}')
        j, f = pairwise_jf(
            gt,
            _pad(pred, len(gt)),
            void=next(voids) if voids is not None else None,
            bound_th=bound_th)
        j_frames.append(j)
        f_frames.append(f)
    if not j_frames:
        raise ValueError('a sequence needs at least one frame')
    j = np.stack(j_frames, axis=-1)  # (G, max(P, G), T)
    f = np.stack(f_frames, axis=-1)
    objects, preds = linear_sum_assignment(
        (j.mean(-1) + f.mean(-1)) / 2, maximize=True)
    return SequenceJF(j[objects, preds], f[objects, preds], preds)


def _pad(pred: np.ndarray, num: int) -> np.ndarray:
    """Append empty masks to (P, H, W) masks up to ``num`` of them."""
    if len(pred) >= num:
        return pred
    empty = np.zeros((num - len(pred), ) + pred.shape[1:], pred.dtype)
    return np.concatenate([pred, empty])


def average_objects(object_j: Sequence[np.ndarray],
                    object_f: Sequence[np.ndarray]) -> Dict[str, float]:
    """Data-set J, F and J&F: means over all objects of all sequences.

    Args:
        object_j (Sequence[np.ndarray]): Per sequence, (G, ) J-means of its
            objects (:attr:`SequenceJF.object_j`).
        object_f (Sequence[np.ndarray]): Per sequence, (G, ) F-means.

    Returns:
        dict[str, float]: ``{'J&F': (J + F) / 2, 'J': ..., 'F': ...}``.
    """
    j = np.concatenate([np.ravel(v) for v in object_j] or [[]])
    f = np.concatenate([np.ravel(v) for v in object_f] or [[]])
    if len(j) == 0 or len(j) != len(f):
        raise ValueError(f'need the same number (> 0) of object J and F '
                         f'scores, got {len(j)} and {len(f)}')
    j_mean, f_mean = float(j.mean()), float(f.mean())
    return {'J&F': (j_mean + f_mean) / 2, 'J': j_mean, 'F': f_mean}
