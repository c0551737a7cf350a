"""Data transforms of mmpr."""
from .guidance_frame_sample import GuidanceFrameSample, is_valid_guidance
from .pseudo_video import PseudoVideoSample, RotateFrame

__all__ = [
    'GuidanceFrameSample', 'is_valid_guidance', 'PseudoVideoSample',
    'RotateFrame'
]
