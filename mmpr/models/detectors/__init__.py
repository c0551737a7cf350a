from .seq_mask_rcnn import (FrameFeatures, SeqMaskRCNN, mask_nms,
                            multiclass_nms_order)

__all__ = ['FrameFeatures', 'SeqMaskRCNN', 'mask_nms', 'multiclass_nms_order']
