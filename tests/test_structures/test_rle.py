import cv2
import numpy as np
import pytest
import torch
from mmdet.structures.mask import mask2bbox
from pycocotools import mask as mask_utils

from mmpr.structures import (column_edges, crop_masks, crop_rle, encode_masks,
                             from_record, resize_masks, resize_rle, rle_areas,
                             rle_box, rle_boxes, rles_from_edges, str_counts)


def pycocotools_encode(masks: np.ndarray) -> list:
    """The reference: pycocotools' ``encode`` of (N, H, W) 0/1 masks."""
    array = np.asfortranarray(masks.transpose(1, 2, 0), np.uint8)
    return [str_counts(rle) for rle in mask_utils.encode(array)]


@pytest.mark.parametrize('shape', [(3, 1, 1), (2, 1, 7), (2, 7, 1),
                                   (4, 13, 17), (3, 13, 16), (2, 9, 64),
                                   (1, 3000, 704), (0, 4, 8)])
def test_encode_masks_is_pycocotools_encode(shape):
    """Random, empty, full and striped masks (a 3000 x 704 half-full mask
    has counts of 7 characters), contiguous (rows of whole 8-byte words,
    compared a word at a time, or not) or cropped views."""
    generator = torch.Generator().manual_seed(sum(shape))
    for density in (0.0, 0.03, 0.5, 0.97, 1.0):
        masks = torch.rand(shape, generator=generator) < density
        if shape[1] == 3000:
            masks[:, :, :350] = density < 0.5
        assert encode_masks(masks) == pycocotools_encode(masks.numpy())
        if min(shape[1:]) > 1:
            for view in masks[:, 1:, :-1], masks[:, :-1]:  # padding cropped
                assert encode_masks(view) == pycocotools_encode(view.numpy())


def test_torch_and_numpy_find_the_same_edges():
    """``column_edges`` reads tensors with torch (the GPU path) and arrays
    with numpy (the CPU path)."""
    masks = torch.rand(5, 23, 31, generator=torch.Generator().manual_seed(0))
    masks = masks < 0.4
    by_torch = column_edges(masks)
    by_numpy = column_edges(masks.numpy())
    order_t, order_n = (
        np.lexsort(edges[::-1]) for edges in (by_torch, by_numpy))
    for ours, theirs in zip(by_torch, by_numpy):
        np.testing.assert_array_equal(ours[order_t], theirs[order_n])
    assert rles_from_edges(*by_torch, 5,
                           (23, 31)) == pycocotools_encode(masks.numpy())


def test_encode_masks_gives_none_for_empty_masks_when_asked():
    masks = torch.zeros(3, 4, 5, dtype=torch.bool)
    masks[1, 2, 3] = True
    rles = encode_masks(masks, none_if_empty=True)
    assert rles[0] is None and rles[2] is None
    assert rles[1] == pycocotools_encode(masks.numpy())[1]


def test_encode_masks_gives_str_counts_that_decode_back():
    masks = torch.zeros(2, 6, 8, dtype=torch.bool)
    masks[0, 1:3, 2:5] = True
    masks[1, 4:6, 0:8] = True
    rles = encode_masks(masks)
    assert all(isinstance(rle['counts'], str) for rle in rles)
    assert rles[0]['size'] == [6, 8]
    decoded = mask_utils.decode(rles).transpose(2, 0, 1)
    assert np.array_equal(decoded, masks.numpy())


def test_str_counts_of_bytes_rle():
    rle = mask_utils.encode(np.asfortranarray(np.ones((3, 3), np.uint8)))
    assert isinstance(rle['counts'], bytes)
    assert str_counts(rle)['counts'] == rle['counts'].decode()


def test_areas_in_chunks_beyond_255():
    # pycocotools' own area overflows a uint8 count beyond 255 RLEs
    mask = np.zeros((4, 4), np.uint8)
    mask[:2, :3] = 1
    rles = [mask_utils.encode(np.asfortranarray(mask))] * 600
    areas = rle_areas(rles)
    assert areas.shape == (600, ) and (areas == 6).all()
    assert rle_areas([]).shape == (0, )


def test_box_is_tight_in_pixels():
    mask = torch.zeros(1, 10, 10, dtype=torch.bool)
    mask[0, 2:5, 3:9] = True
    assert rle_box(encode_masks(mask)[0]) == [3, 2, 9, 5]


def test_resize_and_empty_masks():
    mask = torch.zeros(1, 8, 8, dtype=torch.bool)
    mask[0, 2:6, 2:6] = True
    rle = encode_masks(mask)[0]
    assert resize_rle(rle, (8, 8)) is rle
    big = resize_rle(rle, (16, 16))
    assert big['size'] == [16, 16] and mask_utils.area(big) == 64
    dot = torch.zeros(1, 40, 40, dtype=torch.bool)
    dot[0, 20, 20] = True
    # nothing is left of a one-pixel mask at a tenth of the size
    assert resize_rle(encode_masks(dot)[0], (4, 4)) is None


def test_from_record():
    assert from_record(None) is None
    uncompressed = dict(size=[2, 3], counts=[1, 2, 3])
    rle = from_record(uncompressed)
    assert isinstance(rle['counts'], str) and mask_utils.area(rle) == 2
    assert from_record(dict(size=[2, 3], counts=[6])) is None  # empty


def blob_mask(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A (H, W) uint8 0/1 mask of a few random ellipses."""
    rng = np.random.default_rng(seed)
    mask = np.zeros((height, width), np.uint8)
    for _ in range(4):
        center = (int(rng.integers(width)), int(rng.integers(height)))
        axes = (int(rng.integers(3, width // 3)),
                int(rng.integers(3, height // 3)))
        cv2.ellipse(mask, center, axes, float(rng.uniform(0, 180)), 0, 360, 1,
                    -1)
    return mask


def authors_output_resize(mask: np.ndarray, size) -> np.ndarray:
    """The authors' ``save_jsons``: the 0/1 mask as float, bilinear
    (``F.interpolate``, ``align_corners=False``), ``> 0.5``."""
    resized = torch.nn.functional.interpolate(
        torch.from_numpy(mask).float()[None, None],
        size,
        mode='bilinear',
        align_corners=False)[0, 0]
    return (resized > 0.5).numpy()


def test_resize_as_the_authors():
    mask = blob_mask(90, 160)
    rle = str_counts(mask_utils.encode(np.asfortranarray(mask)))
    theirs = resize_rle(rle, (405, 720), mode='torch')
    assert theirs['size'] == [405, 720]
    np.testing.assert_array_equal(
        mask_utils.decode(theirs).astype(bool),
        authors_output_resize(mask, (405, 720)))
    # OpenCV's rounded uint8 resize differs on boundary pixels
    ours = resize_rle(rle, (405, 720))
    assert not np.array_equal(
        mask_utils.decode(ours), mask_utils.decode(theirs))
    with pytest.raises(ValueError, match='mode'):
        resize_rle(rle, (405, 720), mode='nearest')


@pytest.mark.parametrize('sizes', [((90, 160), (180, 320)),
                                   ((90, 160), (270, 480)),
                                   ((96, 128), (128, 171)),
                                   ((90, 160), (135, 240)),
                                   ((90, 160), (45, 80)),
                                   ((88, 120), (101, 173))])
def test_bulk_resize_is_the_whole_mask_resize(sizes):
    """OpenCV on the region around each mask's pixels gives what OpenCV on
    the whole mask gives (scales 2, 3, 4/3, 1.5, 1/2 and odd ones; masks
    at the borders, tiny, empty), and torch's mode the authors' resize."""
    (height, width), out_size = sizes
    masks = [blob_mask(height, width, seed) for seed in range(6)]
    masks[1][:, :] = 0
    masks[1][0, width - 1] = 1  # one pixel in a corner
    masks[2][:, :] = 0
    masks[2][40:43, 50:52] = 1  # a few pixels inside
    masks[3][:, :] = 1  # full
    rles = [
        str_counts(mask_utils.encode(np.asfortranarray(mask)))
        for mask in masks
    ]
    whole = [
        cv2.resize(mask, out_size[::-1], interpolation=cv2.INTER_LINEAR)
        for mask in masks
    ]
    expected = [
        rle if mask.any() else None
        for rle, mask in zip(pycocotools_encode(np.stack(whole)), whole)
    ]
    assert resize_masks(rles, out_size) == expected
    authors = [authors_output_resize(mask, out_size) for mask in masks]
    expected = [
        rle if mask.any() else None
        for rle, mask in zip(pycocotools_encode(np.stack(authors)), authors)
    ]
    assert resize_masks(rles, out_size, mode='torch') == expected
    assert resize_masks(rles, (height, width)) == rles
    assert resize_masks([], out_size) == []


def test_bulk_crop_is_the_crop_of_each_mask():
    masks = [blob_mask(40, 60, seed) for seed in range(40)]  # two chunks
    rles = pycocotools_encode(np.stack(masks))
    crops = [mask[:32, :50] for mask in masks]
    expected = [
        rle if crop.any() else None
        for rle, crop in zip(pycocotools_encode(np.stack(crops)), crops)
    ]
    assert crop_masks(rles, (32, 50)) == expected


def test_crop_keeps_the_top_left():
    mask = blob_mask(40, 60)
    mask[30:, :] = 0
    mask[35:, 10:20] = 1  # only in the padding below row 32
    rle = str_counts(mask_utils.encode(np.asfortranarray(mask)))
    cropped = crop_rle(rle, (32, 50))
    np.testing.assert_array_equal(mask_utils.decode(cropped), mask[:32, :50])
    padding_only = np.zeros_like(mask)
    padding_only[35:, 10:20] = 1
    assert crop_rle(
        str_counts(mask_utils.encode(np.asfortranarray(padding_only))),
        (32, 50)) is None


def test_rle_boxes_are_mmdet_mask2bbox():
    masks = torch.rand(6, 21, 17, generator=torch.Generator().manual_seed(1))
    masks = masks < 0.01
    masks[0, 20, 16] = True  # bottom right corner
    masks[1] = True
    masks[2:, 5, 3] = True  # none empty
    boxes = rle_boxes(encode_masks(masks))
    assert boxes.shape == (6, 4)
    np.testing.assert_array_equal(boxes, mask2bbox(masks).numpy())
    assert rle_boxes([]).shape == (0, 4)
