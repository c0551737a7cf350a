import cv2
import numpy as np
import pytest
import torch
from mmdet.models.roi_heads.mask_heads import FCNMaskHead
from mmengine.config import ConfigDict

from mmpr.registry import MODELS


def old_get_seg_masks(mask_pred, boxes, labels, img_shape, thr):
    """Old mmdet's ``get_seg_masks`` (rescale off), from its definition:
    per detection the box truncated to int32, ``w = x2 - x1 + 1`` (at
    least 1), the label's sigmoid map resized to (w, h) by OpenCV's
    bilinear resize (mmcv.imresize), ``> thr``, pasted at (x1, y1)."""
    probs = 1 / (1 + np.exp(-mask_pred))
    out = np.zeros((len(boxes), *img_shape), np.uint8)
    for i, (box, label) in enumerate(zip(boxes, labels)):
        x1, y1, x2, y2 = box.astype(np.int32)
        w, h = max(x2 - x1 + 1, 1), max(y2 - y1 + 1, 1)
        resized = cv2.resize(probs[i, label], (w, h))
        out[i, y1:y1 + h, x1:x1 + w] = resized > thr
    return out.astype(bool)


@pytest.mark.parametrize('scale', [1.0, 2.0])
def test_masks_are_pasted_as_old_mmdet(scale):
    rng = np.random.default_rng(0)
    height, width = round(30 * scale), round(40 * scale)
    xy = rng.uniform(0, 20 * scale, (6, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(1, 30 * scale, (6, 2))], 1)
    boxes[:, 0::2] = boxes[:, 0::2].clip(0, width - 1)
    boxes[:, 1::2] = boxes[:, 1::2].clip(0, height - 1)
    boxes = boxes.astype(np.float32)
    labels = np.array([0, 1, 2, 0, 2, 1])
    mask_pred = rng.normal(0, 3, (6, 3, 28, 28)).astype(np.float32)
    head = MODELS.build(
        dict(type='MMDetV05FCNMaskHead', num_convs=0, num_classes=3))
    cfg = ConfigDict(mask_thr_binary=0.5)
    meta = dict(ori_shape=(30, 40), scale_factor=(scale, scale))
    masks = head._predict_by_feat_single(
        torch.from_numpy(mask_pred), torch.from_numpy(boxes),
        torch.from_numpy(labels), meta, cfg)
    reference = old_get_seg_masks(mask_pred, boxes, labels, (height, width),
                                  0.5)
    assert masks.shape == (6, height, width)
    assert np.array_equal(masks.numpy(), reference)
    # mmdet 3 samples the float box with grid_sample
    mmdet = FCNMaskHead(
        num_convs=0, num_classes=3)._predict_by_feat_single(
            torch.from_numpy(mask_pred), torch.from_numpy(boxes),
            torch.from_numpy(labels), meta, cfg)
    assert not torch.equal(mmdet, masks)


def test_rescaled_masks_are_mmdets():
    """Masks at the original size (``rescale=True``, not used by mmpr's key
    frames) are mmdet 3's."""
    torch.manual_seed(0)
    mask_pred = torch.randn(2, 3, 28, 28)
    boxes = torch.tensor([[2.0, 3.0, 20.5, 25.0], [10.0, 0.0, 39.0, 29.0]])
    labels = torch.tensor([1, 2])
    meta = dict(ori_shape=(15, 20), scale_factor=(2.0, 2.0))
    cfg = ConfigDict(mask_thr_binary=0.5)
    ours = MODELS.build(
        dict(type='MMDetV05FCNMaskHead', num_convs=0, num_classes=3))
    mmdet = FCNMaskHead(num_convs=0, num_classes=3)
    torch.testing.assert_close(
        ours._predict_by_feat_single(
            mask_pred, boxes.clone(), labels, meta, cfg, rescale=True),
        mmdet._predict_by_feat_single(
            mask_pred, boxes.clone(), labels, meta, cfg, rescale=True))
