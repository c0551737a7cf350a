"""Overlaps of instance sequences summed over the frames of a video (paper
Eq. 3), from their RLE masks.

Masks are ``masks[s][t]``, a compressed RLE, or None where sequence ``s`` is
absent at frame ``t`` (:attr:`InstanceSequences.masks`).
"""
from typing import Optional, Tuple

import numpy as np
from pycocotools import mask as mask_utils

from .instance_sequences import SequenceMasks
from .rle import rle_areas


def sequence_overlaps(
    masks: SequenceMasks,
    others: Optional[SequenceMasks] = None
) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Summed intersections of every sequence of ``masks`` with every one
    of ``others`` (default: ``masks`` themselves), and the summed areas.

    Per frame, pycocotools gives the IoU of every pair of present masks;
    with the mask areas it yields the intersection ``iou * (a + b) / (1 +
    iou)``. Sums run over all frames; an absent mask has area 0.

    Returns:
        tuple[np.ndarray, np.ndarray, np.ndarray]: (S, S') intersections,
        (S, ) areas of ``masks`` and (S', ) areas of ``others``.
    """
    same = others is None
    others = masks if same else others
    intersections = np.zeros((len(masks), len(others)))
    areas, other_areas = np.zeros(len(masks)), np.zeros(len(others))
    num_frames = len(masks[0]) if len(masks) else 0
    for t in range(num_frames):
        rows = [s for s in range(len(masks)) if masks[s][t] is not None]
        cols = rows if same else [
            s for s in range(len(others)) if others[s][t] is not None
        ]
        row_rles = [masks[s][t] for s in rows]
        col_rles = row_rles if same else [others[s][t] for s in cols]
        row_area = rle_areas(row_rles)
        col_area = row_area if same else rle_areas(col_rles)
        areas[rows] += row_area
        other_areas[cols] += col_area
        if not rows or not cols:
            continue
        iou = np.asarray(
            mask_utils.iou(row_rles, col_rles, [0] * len(col_rles)))
        pair_area = row_area[:, None] + col_area[None, :]
        intersections[np.ix_(rows, cols)] += iou * pair_area / (1 + iou)
    return intersections, areas, other_areas


def sequence_iou(masks: SequenceMasks) -> np.ndarray:
    """(S, S) sequence IoU: summed intersections over summed unions (Eq. 3).
    """
    intersections, areas, _ = sequence_overlaps(masks)
    unions = areas[:, None] + areas[None, :] - intersections
    return np.divide(
        intersections,
        unions,
        out=np.zeros_like(intersections),
        where=unions > 0)
