"""pycocotools RLE masks as mmpr keeps them: compressed, ``counts`` a str.

A str ``counts`` is what the YouTube-VIS json holds, so an RLE made here can
be written as it is; pycocotools reads both str and bytes.

Shape shorthand: N masks, (H, W) their size.
"""
from typing import List, Optional, Tuple

import cv2
import numpy as np
import torch
import torch.nn.functional as F
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


def resize_rle(rle: dict,
               size: Tuple[int, int],
               mode: str = 'opencv') -> Optional[dict]:
    """The mask resized to ``size`` (H, W); None when nothing of it is left.

    Args:
        rle (dict): A compressed RLE.
        size (tuple[int, int]): (H, W).
        mode (str): ``'opencv'``: OpenCV's bilinear resize of the 0/1 uint8
            mask (rounded to 0/1); ``'torch'``: the 0/1 mask as float,
            torch's bilinear resize (``align_corners=False``), then ``> 0.5``
            (the authors' ``save_jsons``). Defaults to 'opencv'.
    """
    height, width = size
    if tuple(rle['size']) == (height, width):
        return rle
    if mode == 'opencv':
        mask = cv2.resize(
            mask_utils.decode(rle), (width, height),
            interpolation=cv2.INTER_LINEAR)
    elif mode == 'torch':
        mask = torch.from_numpy(mask_utils.decode(rle)).float()
        mask = F.interpolate(
            mask[None, None], (height, width),
            mode='bilinear',
            align_corners=False)[0, 0]
        mask = (mask > 0.5).numpy().astype(np.uint8)
    else:
        raise ValueError(f"mode must be 'opencv' or 'torch', got {mode!r}")
    if not mask.any():
        return None
    return str_counts(mask_utils.encode(np.asfortranarray(mask)))


def crop_rle(rle: dict, size: Tuple[int, int]) -> Optional[dict]:
    """The mask's top-left ``size`` (H, W), e.g. the image without its
    padding; None when nothing of it is left."""
    height, width = size
    mask = mask_utils.decode(rle)[:height, :width]
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
