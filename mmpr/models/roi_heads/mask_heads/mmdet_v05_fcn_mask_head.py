"""Mask pasting of old mmdet (0.5), which the authors' models were trained
and tested with."""
import cv2
import numpy as np
import torch
from mmdet.models.roi_heads.mask_heads import FCNMaskHead
from mmengine.config import ConfigDict
from torch import Tensor

from mmpr.registry import MODELS


@MODELS.register_module()
class MMDetV05FCNMaskHead(FCNMaskHead):
    """mmdet's :class:`FCNMaskHead` pasting masks as old mmdet did.

    Old mmdet's ``get_seg_masks`` truncates a box to whole pixels (its end
    is its last pixel: ``w = x2 - x1 + 1``), resizes the mask's probability
    map to that size with OpenCV's bilinear resize and keeps the pixels
    above ``mask_thr_binary``; mmdet 3 samples the map at the float box
    with ``grid_sample`` and keeps the pixels at or above it. Applies at the
    input size (``rescale=False``, as mmpr's key frames); rescaled or
    augmented predictions are mmdet's.
    """

    def _predict_by_feat_single(self,
                                mask_preds: Tensor,
                                bboxes: Tensor,
                                labels: Tensor,
                                img_meta: dict,
                                rcnn_test_cfg: ConfigDict,
                                rescale: bool = False,
                                activate_map: bool = False) -> Tensor:
        """(N, h, w) bool masks of (N, C, m, m) logits in (N, 4) boxes at
        the input size (h, w) of ``img_meta``."""
        if rescale or activate_map:
            return super()._predict_by_feat_single(mask_preds, bboxes, labels,
                                                   img_meta, rcnn_test_cfg,
                                                   rescale, activate_map)
        ori_h, ori_w = img_meta['ori_shape'][:2]
        w_scale, h_scale = img_meta['scale_factor'][:2]
        height, width = round(ori_h * h_scale), round(ori_w * w_scale)
        channels = (
            torch.zeros_like(labels) if self.class_agnostic else labels)
        probs = mask_preds[torch.arange(len(labels)), channels].sigmoid()
        masks = torch.zeros(
            len(labels), height, width, dtype=torch.bool, device=bboxes.device)
        boxes = bboxes.to(torch.int32).tolist()
        for mask, prob, (x1, y1, x2, y2) in zip(masks,
                                                probs.float().cpu().numpy(),
                                                boxes):
            w, h = max(x2 - x1 + 1, 1), max(y2 - y1 + 1, 1)
            pasted = cv2.resize(prob, (w, h), interpolation=cv2.INTER_LINEAR)
            pasted = pasted[:height - y1, :width - x1]
            mask[y1:y1 + h, x1:x1 + w] = torch.from_numpy(
                np.ascontiguousarray(pasted > rcnn_test_cfg.mask_thr_binary))
        return masks
