from .frame_features import FrameFeatures
from .key_frame_detections import mask_nms, multiclass_nms_order
from .seq_mask_rcnn import SeqMaskRCNN

__all__ = ['FrameFeatures', 'SeqMaskRCNN', 'mask_nms', 'multiclass_nms_order']
