import cv2
import numpy as np
import pytest
import torch
from pycocotools import mask as mask_utils

from mmpr.structures import (crop_rle, encode_masks, from_record, resize_rle,
                             rle_areas, rle_box, str_counts)


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
