from typing import Optional

import torch
from mmdet.models.losses.utils import weighted_loss
from torch import Tensor, nn

from mmpr.registry import MODELS


@weighted_loss
def soft_iou_loss(pred: Tensor, target: Tensor, eps: float = 1e-6) -> Tensor:
    """Per-instance soft IoU loss (supplement Eq. 5, before the mean).

    Args:
        pred (Tensor): (K, H, W) probabilities.
        target (Tensor): (K, H, W) binary (or soft) targets.
        eps (float): Keeps the ratio finite for two empty masks.

    Returns:
        Tensor: (K, ) ``1 - sum(min(pred, target)) / sum(max(pred, target))``.
    """
    target = target.to(pred.dtype)
    intersection = torch.minimum(pred, target).flatten(1).sum(1)
    union = torch.maximum(pred, target).flatten(1).sum(1)
    return 1 - intersection / (union + eps)


@MODELS.register_module()
class SoftIoULoss(nn.Module):
    """Scale-balanced soft IoU loss (Propose-Reduce supplement Eq. 5).

    Every instance's IoU counts equally whatever its size, which balances
    large and small instances propagated together.

    Args:
        eps (float): Added to the union. Defaults to 1e-6.
        reduction (str): 'none', 'mean' or 'sum'. Defaults to 'mean'.
        loss_weight (float): Weight of the loss. Defaults to 1.0.
    """

    def __init__(self,
                 eps: float = 1e-6,
                 reduction: str = 'mean',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.eps = eps
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self,
                pred: Tensor,
                target: Tensor,
                weight: Optional[Tensor] = None,
                avg_factor: Optional[int] = None,
                reduction_override: Optional[str] = None) -> Tensor:
        """Loss of (K, H, W) probabilities against (K, H, W) targets.

        Args:
            weight (Tensor, optional): (K, ) per-instance weights.
            avg_factor (int, optional): Divisor of the summed loss.
            reduction_override (str, optional): Overrides ``reduction``.
        """
        reduction = reduction_override or self.reduction
        return self.loss_weight * soft_iou_loss(
            pred,
            target,
            weight,
            eps=self.eps,
            reduction=reduction,
            avg_factor=avg_factor)
