"""Which ground-truth objects a video's predicted sequences follow.

A finer view than AP of what a tracker gets right: an object is followed
when one predicted sequence covers it (mask IoU above a threshold) in most
of the frames where it is visible.

Shape shorthand: T frames of a video.
"""
from typing import List, NamedTuple, Optional, Sequence

from pycocotools import mask as mask_utils

from mmpr.structures.rle import from_record


class ObjectFollowed(NamedTuple):
    """How well the best predicted sequence covers one object.

    Attributes:
        visible (int): Frames where the object is visible.
        covered (int): Of those, frames where the best sequence covers it.
        sequence (int | None): Index of the best sequence (most frames
            covered, then highest score); None if none covers a frame.
        followed (bool): ``covered`` is at least the asked share of
            ``visible``.
    """
    visible: int
    covered: int
    sequence: Optional[int]
    followed: bool


def frames_covered(sequence: Sequence[Optional[dict]],
                   target: Sequence[Optional[dict]],
                   iou_thr: float = 0.5) -> int:
    """Frames where ``sequence`` has mask IoU above ``iou_thr`` with
    ``target``.

    Args:
        sequence (Sequence[dict | None]): T RLE masks (compressed or
            uncompressed; None where absent).
        target (Sequence[dict | None]): T RLE masks of the object.
        iou_thr (float): IoU a frame needs. Defaults to 0.5.
    """
    if len(sequence) != len(target):
        raise ValueError(f'{len(sequence)} predicted masks for an object of '
                         f'{len(target)} frames')
    count = 0
    for pred, gt in zip(map(from_record, sequence), map(from_record, target)):
        if pred is not None and gt is not None:
            count += mask_utils.iou([pred], [gt], [0])[0, 0] > iou_thr
    return int(count)


def objects_followed(sequences: Sequence[Sequence[Optional[dict]]],
                     scores: Sequence[float],
                     objects: Sequence[Sequence[Optional[dict]]],
                     score_thr: float = 0.0,
                     iou_thr: float = 0.5,
                     min_share: float = 0.8) -> List[ObjectFollowed]:
    """For each object of a video, the sequence that covers it best.

    Args:
        sequences (Sequence[Sequence[dict | None]]): S predicted sequences,
            T RLE masks each (None where absent).
        scores (Sequence[float]): (S, ) their scores; sequences scoring
            below ``score_thr`` are left out.
        objects (Sequence[Sequence[dict | None]]): Ground-truth objects, T
            RLE masks each.
        score_thr (float): Lowest score of a sequence that counts.
            Defaults to 0.
        iou_thr (float): Mask IoU of a covered frame. Defaults to 0.5.
        min_share (float): Share of the object's visible frames the best
            sequence must cover for the object to count as followed.
            Defaults to 0.8.

    Returns:
        list[ObjectFollowed]: One per object, in order.
    """
    if len(sequences) != len(scores):
        raise ValueError(f'{len(sequences)} sequences but {len(scores)} '
                         'scores')
    kept = [s for s in range(len(sequences)) if scores[s] >= score_thr]
    results = []
    for target in objects:
        visible = sum(from_record(gt) is not None for gt in target)
        covered = [frames_covered(sequences[s], target, iou_thr) for s in kept]
        best = None
        if covered and max(covered) > 0:
            # most frames covered, then the highest score
            best = kept[max(
                range(len(kept)), key=lambda i: (covered[i], scores[kept[i]]))]
        count = max(covered, default=0)
        results.append(
            ObjectFollowed(visible, count, best, visible > 0
                           and count >= min_share * visible))
    return results
