"""Datasets, samplers and transforms of mmpr."""
from .coco_pseudo_video_dataset import (COCO_TO_OVIS, COCO_TO_YOUTUBE_VIS_2019,
                                        COCO_TO_YOUTUBE_VIS_2021,
                                        CocoPseudoVideoDataset)
from .davis_uvos_dataset import DAVISUVOSDataset
from .samplers import ConcatTrackImgSampler
from .transforms import (GuidanceFrameSample, PseudoVideoSample, RotateFrame,
                         is_valid_guidance)
from .video_concat_dataset import VideoConcatDataset
from .youtube_vis_dataset import (OVIS_CLASSES, OVISDataset, YouTubeVISDataset,
                                  youtube_vis_classes)

__all__ = [
    'COCO_TO_OVIS', 'COCO_TO_YOUTUBE_VIS_2019', 'COCO_TO_YOUTUBE_VIS_2021',
    'CocoPseudoVideoDataset', 'DAVISUVOSDataset', 'OVIS_CLASSES',
    'OVISDataset', 'ConcatTrackImgSampler', 'GuidanceFrameSample',
    'PseudoVideoSample', 'RotateFrame', 'is_valid_guidance',
    'VideoConcatDataset', 'YouTubeVISDataset', 'youtube_vis_classes'
]
