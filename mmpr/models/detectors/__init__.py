from .seq_mask_rcnn import FrameFeatures, SeqMaskRCNN

__all__ = ['FrameFeatures', 'SeqMaskRCNN']
