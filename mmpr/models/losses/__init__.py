from .soft_iou_loss import SoftIoULoss, soft_iou_loss

__all__ = ['SoftIoULoss', 'soft_iou_loss']
