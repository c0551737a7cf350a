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
