from .mmdet_v05_fcn_mask_head import MMDetV05FCNMaskHead

__all__ = ['MMDetV05FCNMaskHead']
