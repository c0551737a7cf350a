"""The order and the duplicates of a key frame's detections (the authors'
key-frame step)."""
import torch
from mmengine.structures import InstanceData
from torch import Tensor

from mmpr.models.reducers import greedy_nms
from mmpr.structures import mask_ious


def mask_nms(masks: Tensor, iou_thr: float) -> Tensor:
    """Class-agnostic greedy NMS on masks in the given order.

    The authors' key-frame step (their ``utils.MaskNMS``): a mask whose IoU
    with an already kept one is at least ``iou_thr`` is dropped, so that one
    object detected under two classes does not become two memories.

    Args:
        masks (Tensor): (N, H, W) bool masks, first to keep first (highest
            score first, or :func:`multiclass_nms_order`).
        iou_thr (float): Suppression threshold (the authors': 0.2).

    Returns:
        Tensor: (N', ) indices of the kept masks, in order.
    """
    keep = greedy_nms(mask_ious(masks, masks).cpu().numpy(), iou_thr)
    return torch.as_tensor(keep, dtype=torch.long, device=masks.device)


def multiclass_nms_order(result: InstanceData,
                         max_per_img: int) -> InstanceData:
    """Detections in old mmdet's (0.5) ``multiclass_nms`` order.

    Old mmdet concatenates the survivors of the per-class NMS class by class
    (class index ascending, score descending within a class) and sorts them
    by score only when more than ``max_per_img`` survive, keeping the top
    ``max_per_img``. The authors' key-frame mask NMS keeps the first of two
    overlapping masks in that order.

    Args:
        result (InstanceData): Survivors of mmdet's NMS (``scores``,
            ``labels``), at most ``max_per_img + 1`` of them, so that more
            than ``max_per_img`` can be told.
        max_per_img (int): Old mmdet's ``max_num``.

    Returns:
        InstanceData: At most ``max_per_img`` detections in old mmdet's order.
    """
    by_score = result.scores.argsort(descending=True, stable=True)
    if len(result) > max_per_img:
        return result[by_score[:max_per_img]]
    by_class = result.labels[by_score].argsort(stable=True)
    return result[by_score[by_class]]
