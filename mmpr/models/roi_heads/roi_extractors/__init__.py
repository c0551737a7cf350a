from .mmdet_v05_roi_extractor import MMDetV05RoIAlign, MMDetV05RoIExtractor

__all__ = ['MMDetV05RoIAlign', 'MMDetV05RoIExtractor']
