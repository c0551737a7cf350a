"""pycocotools RLE masks as mmpr keeps them: compressed, ``counts`` a str.

A str ``counts`` is what the YouTube-VIS json holds, so an RLE made here can
be written as it is; pycocotools reads both str and bytes.

Shape shorthand: N masks, (H, W) their size.
"""
from typing import List, Optional, Tuple

import cv2
import numpy as np
from pycocotools import mask as mask_utils
from torch import Tensor

# pycocotools' ``area`` fails on more than 255 RLEs at once under numpy 2
# (a uint8 count); bigger lists are measured in chunks
_AREA_CHUNK = 255


def str_counts(rle: dict) -> dict:
    """The compressed RLE with ``counts`` as str (json-serialisable)."""
    counts = rle['counts']
    return dict(
        size=list(rle['size']),
        counts=counts.decode() if isinstance(counts, bytes) else counts)


def encode_masks(masks: Tensor) -> List[dict]:
    """(N, H, W) bool masks (tensor, any device) -> N compressed RLEs."""
    array = np.asfortranarray(masks.permute(1, 2, 0).cpu().numpy(), np.uint8)
    return [str_counts(rle) for rle in mask_utils.encode(array)]


def rle_areas(rles: List[dict]) -> np.ndarray:
    """(N, ) float64 pixel counts of N RLEs, any N."""
    if not rles:
        return np.zeros(0)
    return np.concatenate([
        mask_utils.area(rles[i:i + _AREA_CHUNK]).astype(np.float64)
        for i in range(0, len(rles), _AREA_CHUNK)
    ])


def rle_box(rle: dict) -> List[float]:
    """Tight (x1, y1, x2, y2) box of an RLE mask, in pixels."""
    x, y, w, h = np.asarray(mask_utils.toBbox(rle), dtype=float).tolist()
    return [x, y, x + w, y + h]


def resize_rle(rle: dict, size: Tuple[int, int]) -> Optional[dict]:
    """The mask resized (bilinear, as the authors' code) to ``size`` (H, W);
    None when nothing of it is left."""
    height, width = size
    if tuple(rle['size']) == (height, width):
        return rle
    mask = cv2.resize(
        mask_utils.decode(rle), (width, height),
        interpolation=cv2.INTER_LINEAR)
    if not mask.any():
        return None
    return str_counts(mask_utils.encode(np.asfortranarray(mask)))


def from_record(rle: Optional[dict]) -> Optional[dict]:
    """A YouTube-VIS record's mask (compressed or uncompressed RLE) as a
    compressed RLE; None for null and empty masks."""
    if rle is None:
        return None
    if isinstance(rle['counts'], list):
        rle = mask_utils.frPyObjects(rle, *rle['size'])
    rle = str_counts(rle)
    return rle if mask_utils.area(rle) else None
