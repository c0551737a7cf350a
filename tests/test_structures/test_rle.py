import numpy as np
import torch
from pycocotools import mask as mask_utils

from mmpr.structures import (encode_masks, from_record, resize_rle, rle_areas,
                             rle_box, str_counts)


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
