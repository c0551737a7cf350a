import torch
from mmdet.structures.mask import mask2bbox

from mmpr.structures import mask_boxes


def test_mask_boxes_are_mmdet_mask2bbox():
    """mmdet's loop over masks is the reference: random, empty, full and
    one-pixel masks, and a cropped view."""
    masks = torch.rand(7, 19, 23, generator=torch.Generator().manual_seed(0))
    masks = masks < 0.002
    masks[2] = False
    masks[3] = True
    masks[4] = False
    masks[4, 18, 0] = True
    masks[5] = False
    masks[5, 3:9, 7:8] = True
    boxes = mask_boxes(masks)
    assert boxes.dtype == torch.float32 and boxes.shape == (7, 4)
    torch.testing.assert_close(boxes, mask2bbox(masks), rtol=0, atol=0)
    view = masks[:, 2:, 1:-1]
    torch.testing.assert_close(
        mask_boxes(view), mask2bbox(view), rtol=0, atol=0)
    assert mask_boxes(masks[:0]).shape == (0, 4)
