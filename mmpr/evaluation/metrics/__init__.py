from .davis_uvos_metric import DAVISUVOSMetric
from .youtube_vis_metric import YouTubeVISMetric

__all__ = ['DAVISUVOSMetric', 'YouTubeVISMetric']
