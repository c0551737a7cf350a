import torch

from mmpr.structures import mask_ious


def test_mask_ious_pairwise():
    masks = torch.zeros(3, 4, 4, dtype=torch.bool)
    masks[0, :2] = True  # 8 pixels
    masks[1, :1] = True  # 4 pixels, inside mask 0
    others = torch.zeros(2, 4, 4, dtype=torch.bool)
    others[0, 1:3] = True  # 8 pixels, 4 shared with mask 0
    ious = mask_ious(masks, others)
    assert ious.shape == (3, 2)
    torch.testing.assert_close(
        ious, torch.tensor([[4 / 12, 0.0], [0.0, 0.0], [0.0, 0.0]]))
    torch.testing.assert_close(
        mask_ious(masks[:2], masks[:2]), torch.tensor([[1.0, 0.5], [0.5,
                                                                    1.0]]))
    assert mask_ious(masks, others[:0]).shape == (3, 0)


def test_mask_ious_count_exactly_under_autocast():
    """bf16 autocast would round an intersection of 975 pixels (to 976) and
    fp16 would overflow above 65,504; the counts stay exact."""
    masks = torch.zeros(2, 300, 300, dtype=torch.bool)
    masks[0, :25, :40] = True  # 1000 pixels
    masks[1, :25, :39] = True  # 975 of them
    masks[1, 25, 0] = True  # and one more
    exact = torch.tensor(975 / 1001)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert mask_ious(masks, masks)[0, 1] == exact
    big = torch.ones(2, 300, 300, dtype=torch.bool)  # 90,000 pixels
    big[1, 0, 0] = False
    with torch.autocast('cpu', dtype=torch.float16):
        iou = mask_ious(big, big)[0, 1]
    assert iou.dtype == torch.float32 and iou == torch.tensor(89999 / 90000)
