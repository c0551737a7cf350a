from .mmdet_v05_delta_xywh_bbox_coder import MMDetV05DeltaXYWHBBoxCoder

__all__ = ['MMDetV05DeltaXYWHBBoxCoder']
