from .seq_mask_rcnn import FrameFeatures, SeqMaskRCNN, mask_nms

__all__ = ['FrameFeatures', 'SeqMaskRCNN', 'mask_nms']
