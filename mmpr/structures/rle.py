"""pycocotools RLE masks as mmpr keeps them: compressed, ``counts`` a str.

A str ``counts`` is what the YouTube-VIS json holds, so an RLE made here can
be written as it is; pycocotools reads both str and bytes.

Masks are encoded in bulk from their column edges (:func:`column_edges`,
computed where the masks are, so that only the edges are copied to the host)
by :func:`rles_from_edges`, which writes pycocotools' compressed format for
all masks at once; the result is byte for byte pycocotools' ``encode``.

Shape shorthand: N masks, (H, W) their size.
"""
import math
from typing import Iterator, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from pycocotools import mask as mask_utils
from torch import Tensor

# an RLE count takes at most 7 characters of 5 bits (counts < 2^31)
_MAX_CHARS = 7
# masks decoded at once when resizing or cropping many
_DECODE_CHUNK = 32
# (E, ) mask index, column and row of E edges (:func:`column_edges`)
Edges = Tuple[np.ndarray, np.ndarray, np.ndarray]

# pycocotools' ``area`` fails on more than 255 RLEs at once under numpy 2
# (a uint8 count); bigger lists are measured in chunks
_AREA_CHUNK = 255


def str_counts(rle: dict) -> dict:
    """The compressed RLE with ``counts`` as str (json-serialisable)."""
    counts = rle['counts']
    return dict(
        size=list(rle['size']),
        counts=counts.decode() if isinstance(counts, bytes) else counts)


def column_edges(masks: Union[Tensor, np.ndarray]) -> Edges:
    """Where (N, H, W) bool masks change along their columns.

    Each column is read top to bottom between an empty row above and one
    below; an edge at row ``y`` (0 to H) lies between rows ``y - 1`` and
    ``y``. A tensor is read by torch where it is (on a GPU, so that only
    its edges are copied to the host), an array by numpy (on the CPU numpy
    is the faster: :func:`encode_masks` hands it CPU masks as arrays).

    Returns:
        tuple[np.ndarray, np.ndarray, np.ndarray]: (E, ) int64 mask index,
        column x and row y of the E edges, in no particular order.
    """
    _, height, width = masks.shape
    if isinstance(masks, np.ndarray):
        inner = _inner_edges(masks)
        top = np.flatnonzero(masks[:, 0])
        bottom = np.flatnonzero(masks[:, -1])
        concat = np.concatenate
    else:
        inner = (masks[:, 1:] != masks[:, :-1]).flatten().nonzero()[:, 0]
        top = masks[:, 0].flatten().nonzero()[:, 0]
        bottom = masks[:, -1].flatten().nonzero()[:, 0]
        concat = torch.cat
    # mask, row and column of the inner edges' flat indices into (N, H-1, W)
    plane = max(height - 1, 1) * width
    inner_n, inner_rest = inner // plane, inner % plane
    edges = concat([
        concat([inner_n, top // width, bottom // width]),
        concat([inner_rest % width, top % width, bottom % width]),
        concat([inner_rest // width + 1, top * 0, bottom * 0 + height])
    ])
    if isinstance(edges, Tensor):
        edges = edges.cpu().numpy()
    edges = edges.reshape(3, -1).astype(np.int64)
    return edges[0], edges[1], edges[2]


def _inner_edges(masks: np.ndarray) -> np.ndarray:
    """Flat indices into (N, H - 1, W) of the pixels of rows 1 to H - 1 of
    (N, H, W) bool masks that differ from the pixel above.

    Where a row is whole 8-byte words, the rows are compared a word (8
    pixels) at a time and only the words that differ are looked into: 8x
    fewer comparisons and a much shorter search than pixel by pixel.
    """
    _, height, width = masks.shape
    if (width % 8 or height < 2 or masks.strides[2] != 1
            or masks.strides[1] % 8 or masks.strides[0] % 8):
        return np.flatnonzero(masks[:, 1:] != masks[:, :-1])
    words = masks.view(np.uint64)  # (N, H, W / 8), a view of any rows
    differ = np.flatnonzero(words[:, 1:] != words[:, :-1])
    row_words = width // 8
    inds, rest = np.divmod(differ, (height - 1) * row_words)
    rows, columns = np.divmod(rest, row_words)
    changed = words[inds, rows + 1, columns] ^ words[inds, rows, columns]
    word_inds, bytes_in_word = np.nonzero(
        changed.view(np.uint8).reshape(-1, 8))
    return differ[word_inds] * 8 + bytes_in_word


def rles_from_edges(mask_inds: np.ndarray,
                    xs: np.ndarray,
                    ys: np.ndarray,
                    num_masks: int,
                    size: Tuple[int, int],
                    none_if_empty: bool = False) -> List[Optional[dict]]:
    """The compressed RLEs of masks given by their column edges.

    In column-major order a mask changes value at every edge, except where
    a column ends and the next begins on the same value (an edge at the
    bottom of column x and one at the top of column x + 1 cancel); the RLE
    counts are the distances between the changes. The counts are written in
    pycocotools' compressed format (each count, less the count two before it
    from the third on, in 5-bit groups with a continuation bit, plus 48) for
    all masks at once.

    Args:
        mask_inds, xs, ys (np.ndarray): (E, ) the edges, as
            :func:`column_edges` gives them.
        num_masks (int): N.
        size (tuple[int, int]): (H, W).
        none_if_empty (bool): None instead of the RLE of an empty mask.

    Returns:
        list[dict | None]: N RLEs with str ``counts``.
    """
    height, width = (int(side) for side in size)
    area = height * width
    keys = np.sort(mask_inds * (area + 1) + xs * height + ys)
    twice = keys[1:] == keys[:-1]
    single = np.ones(len(keys), bool)
    single[1:] &= ~twice
    single[:-1] &= ~twice
    keys = keys[single]
    mask_inds, positions = keys // (area + 1), keys % (area + 1)
    inside = positions < area  # the bottom of the last column ends the mask
    mask_inds, positions = mask_inds[inside], positions[inside]
    # counts: [c_1 - 0, c_2 - c_1, ..., area - c_k] per mask
    num_changes = np.bincount(mask_inds, minlength=num_masks)
    num_counts = num_changes + 1
    count_ends = np.cumsum(num_counts)
    count_starts = count_ends - num_counts
    slots = np.arange(len(positions)) + mask_inds  # each mask one count more
    ends = np.full(count_ends[-1] if num_masks else 0, area, np.int64)
    ends[slots] = positions
    begins = np.zeros_like(ends)
    begins[1:] = ends[:-1]
    begins[count_starts] = 0
    counts = ends - begins
    # from the third count of a mask on, the difference to two before
    rank = np.arange(len(counts)) - np.repeat(count_starts, num_counts)
    deltas = counts.copy()
    later = np.flatnonzero(rank > 2)
    deltas[later] -= counts[later - 2]
    shifted = deltas[:, None] >> (5 * np.arange(_MAX_CHARS + 1))
    groups = shifted[:, :-1] & 0x1f
    rest = shifted[:, 1:]
    more = np.where(groups & 0x10, rest != -1, rest != 0)
    num_chars = np.argmin(more, axis=1) + 1  # up to the first without more
    chars = groups + (more << 5) + 48
    used = np.arange(_MAX_CHARS) < num_chars[:, None]
    text = chars[used].astype(np.uint8).tobytes().decode()
    char_ends = np.concatenate([[0], np.cumsum(num_chars)])
    bounds = char_ends[np.concatenate([[0], count_ends])].tolist()
    return [
        None if none_if_empty and not num_changes[i] else dict(
            size=[height, width], counts=text[bounds[i]:bounds[i + 1]])
        for i in range(num_masks)
    ]


def encode_masks(masks: Tensor,
                 none_if_empty: bool = False) -> List[Optional[dict]]:
    """(N, H, W) bool masks (tensor, any device) -> N compressed RLEs (the
    same as pycocotools' ``encode``); with ``none_if_empty`` None for an
    empty mask. Only the masks' column edges are copied to the host."""
    readable = masks.numpy() if masks.device.type == 'cpu' else masks
    return rles_from_edges(
        *column_edges(readable),
        len(masks),
        tuple(masks.shape[-2:]),
        none_if_empty=none_if_empty)


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


def rle_boxes(rles: List[dict]) -> np.ndarray:
    """(N, 4) float64 tight (x1, y1, x2, y2) boxes of N non-empty RLE masks,
    in pixels (ending after the last pixel, as mmdet's ``mask2bbox``)."""
    if not rles:
        return np.zeros((0, 4))
    boxes = np.asarray(mask_utils.toBbox(rles), np.float64).reshape(-1, 4)
    boxes[:, 2:] += boxes[:, :2]
    return boxes


def resize_masks(rles: Sequence[dict],
                 size: Tuple[int, int],
                 mode: str = 'opencv') -> List[Optional[dict]]:
    """The masks resized to ``size`` (H, W), in bulk; None for a mask of
    which nothing is left.

    Args:
        rles (Sequence[dict]): Compressed RLEs of one size.
        size (tuple[int, int]): (H, W).
        mode (str): ``'opencv'``: OpenCV's bilinear resize of the 0/1 uint8
            mask (rounded to 0/1), run on the part of the mask around its
            pixels only, with the same result; ``'torch'``: the 0/1 mask as
            float, torch's bilinear resize (``align_corners=False``), then
            ``> 0.5`` (the authors' ``save_jsons``). Defaults to 'opencv'.
    """
    if mode not in ('opencv', 'torch'):
        raise ValueError(f"mode must be 'opencv' or 'torch', got {mode!r}")
    size = tuple(int(side) for side in size)
    if all(tuple(rle['size']) == size for rle in rles):
        return list(rles)
    edges = []
    for start, masks in _decoded(rles):
        if mode == 'torch':
            resized = F.interpolate(
                torch.from_numpy(masks).float()[:, None],
                size,
                mode='bilinear',
                align_corners=False)[:, 0] > 0.5
            inds, xs, ys = column_edges(resized.numpy())
            edges.append((inds + start, xs, ys))
            continue
        # (x, y, w, h) pixel boxes, w = 0 for an empty mask
        boxes = mask_utils.toBbox(list(rles[start:start + len(masks)]))
        for index, (mask, box) in enumerate(zip(masks, boxes.astype(int))):
            if box[2]:
                inds, xs, ys = _opencv_resized_edges(mask, box, size)
                edges.append((inds + start + index, xs, ys))
    return _rles_of(edges, len(rles), size)


def crop_masks(rles: Sequence[dict], size: Tuple[int,
                                                 int]) -> List[Optional[dict]]:
    """The masks' top-left ``size`` (H, W), e.g. the image without its
    padding, in bulk; None for a mask of which nothing is left."""
    size = tuple(int(side) for side in size)
    if all(tuple(rle['size']) == size for rle in rles):
        return list(rles)
    height, width = size
    edges = []
    for start, masks in _decoded(rles):
        inds, xs, ys = column_edges(masks[:, :height, :width])
        edges.append((inds + start, xs, ys))
    return _rles_of(edges, len(rles), size)


def resize_rle(rle: dict,
               size: Tuple[int, int],
               mode: str = 'opencv') -> Optional[dict]:
    """One mask resized to ``size`` (H, W) (:func:`resize_masks`); None
    when nothing of it is left."""
    return resize_masks([rle], size, mode)[0]


def crop_rle(rle: dict, size: Tuple[int, int]) -> Optional[dict]:
    """One mask's top-left ``size`` (H, W) (:func:`crop_masks`); None when
    nothing of it is left."""
    return crop_masks([rle], size)[0]


def _decoded(rles: Sequence[dict]) -> Iterator[Tuple[int, np.ndarray]]:
    """The masks decoded a chunk at a time: (index of the chunk's first
    mask, (n, h, w) uint8 masks)."""
    for start in range(0, len(rles), _DECODE_CHUNK):
        chunk = list(rles[start:start + _DECODE_CHUNK])
        yield start, mask_utils.decode(chunk).transpose(2, 0, 1)


def _rles_of(edges: list, num_masks: int,
             size: Tuple[int, int]) -> List[Optional[dict]]:
    """RLEs (None where empty) of masks from their edges in parts."""
    if not edges:
        return [None] * num_masks
    inds, xs, ys = (np.concatenate(part) for part in zip(*edges))
    return rles_from_edges(inds, xs, ys, num_masks, size, none_if_empty=True)


def _opencv_resized_edges(mask: np.ndarray, box: np.ndarray,
                          size: Tuple[int, int]) -> Edges:
    """Column edges of the (h, w) uint8 mask with the (x, y, w, h) pixel
    ``box`` resized to ``size`` (H, W) by OpenCV's bilinear resize, from the
    resize of the region around its pixels only.

    Along each axis the region is the mask's extent grown by 2 empty pixels
    and out to multiples of q, where the axis scales by p / q (reduced): the
    region then maps to whole output pixels, OpenCV computes every output
    pixel of it from the same input pixels with the same weights as in the
    whole mask (its border handling meets only empty pixels), and every
    output pixel outside it is 0.
    """
    x, y, box_w, box_h = box.tolist()
    height, width = size
    (y0, y1), (out_y0, out_y1) = _region(y, y + box_h, mask.shape[0], height)
    (x0, x1), (out_x0, out_x1) = _region(x, x + box_w, mask.shape[1], width, 8)
    resized = cv2.resize(
        np.ascontiguousarray(mask[y0:y1, x0:x1]),
        (out_x1 - out_x0, out_y1 - out_y0),
        interpolation=cv2.INTER_LINEAR)
    inds, xs, ys = column_edges(resized[None])
    return inds, xs + out_x0, ys + out_y0


def _region(first: int,
            end: int,
            length: int,
            out_length: int,
            out_multiple: int = 1) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    """The input span [first, end) grown by 2 and out to multiples of q
    (``out_length / length = p / q``), and further (in steps of q, while the
    input lasts) until the output span it maps to is a multiple of
    ``out_multiple`` long (rows of whole 8-byte words for
    :func:`column_edges`); and that output span."""
    common = math.gcd(out_length, length)
    step, out_step = length // common, out_length // common  # q, p
    start = max((first - 2) // step * step, 0)
    stop = min(-(-(end + 2) // step) * step, length)
    for _ in range(out_multiple):
        if (stop - start) // step * out_step % out_multiple == 0:
            break
        if stop + step <= length:
            stop += step
        elif start - step >= 0:
            start -= step
        else:
            break
    return (start, stop), (start // step * out_step, stop // step * out_step)


def from_record(rle: Optional[dict]) -> Optional[dict]:
    """A YouTube-VIS record's mask (compressed or uncompressed RLE) as a
    compressed RLE; None for null and empty masks."""
    if rle is None:
        return None
    if isinstance(rle['counts'], list):
        rle = mask_utils.frPyObjects(rle, *rle['size'])
    rle = str_counts(rle)
    return rle if mask_utils.area(rle) else None
