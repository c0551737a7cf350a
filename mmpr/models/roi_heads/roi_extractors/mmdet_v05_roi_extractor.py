"""RoI feature extraction of old mmdet (0.5), which the authors' models were
trained with."""
from typing import List

import torch
from mmcv.ops import RoIAlign
from mmdet.models.roi_heads.roi_extractors import SingleRoIExtractor
from mmdet.utils import ConfigType
from torch import Tensor, nn

from mmpr.registry import MODELS


class MMDetV05RoIAlign(nn.Module):
    """Old mmdet's RoIAlign kernel, on mmcv's ``RoIAlign(aligned=True)``.

    Old mmdet's boxes end at their last pixel: its kernel pools a RoI from
    ``x1 * scale`` to ``(x2 + 1) * scale`` and clamps the RoI size at 0.
    mmcv's ``aligned=False`` pools to ``x2 * scale`` and clamps at 1 (half a
    pixel off); its ``aligned=True`` pools from ``x1 * scale - 0.5`` to
    ``x2 * scale - 0.5`` without a clamp, with the same sampling points and
    bilinear interpolation as the old kernel. So the old RoI
    ``(x1, x2)`` is pooled as ``(x1 + 0.5 / scale, max(x2 + 1, x1) +
    0.5 / scale)`` with ``aligned=True``.

    Args:
        output_size (int | tuple[int]): Pooled (h, w).
        spatial_scale (float): Feature size over input size.
        sampling_ratio (int): Samples per bin side (0: adaptive).
    """

    def __init__(self,
                 output_size,
                 spatial_scale: float,
                 sampling_ratio: int = 0) -> None:
        super().__init__()
        self.align = RoIAlign(
            output_size, spatial_scale, sampling_ratio, aligned=True)
        self.output_size = self.align.output_size
        self.spatial_scale = spatial_scale

    def forward(self, feats: Tensor, rois: Tensor) -> Tensor:
        """(N, C, h, w) features of (N, 5) RoIs (batch index, x1, y1, x2,
        y2; old mmdet's boxes) on (B, C, H, W) features."""
        shift = 0.5 / self.spatial_scale
        start = rois[:, 1:3] + shift
        end = torch.maximum(rois[:, 3:5] + 1, rois[:, 1:3]) + shift
        return self.align(feats, torch.cat([rois[:, :1], start, end], dim=1))


@MODELS.register_module()
class MMDetV05RoIExtractor(SingleRoIExtractor):
    """mmdet's :class:`SingleRoIExtractor` with old mmdet's conventions.

    Old mmdet's boxes end at their last pixel (``x2`` included): a RoI is
    pooled by :class:`MMDetV05RoIAlign` (the ``roi_layer`` config's ``type``
    is ignored; its ``output_size`` and ``sampling_ratio`` are used), and
    mapped to an FPN level by ``sqrt((x2 - x1 + 1) * (y2 - y1 + 1))`` (mmdet
    3: without the ``+ 1``).

    Attributes:
        inclusive_boxes (bool): True: boxes given to it end at their last
            pixel (mmdet 3's end one pixel after).
    """
    inclusive_boxes = True

    def build_roi_layers(self, layer_cfg: ConfigType,
                         featmap_strides: List[int]) -> nn.ModuleList:
        """One :class:`MMDetV05RoIAlign` per level."""
        cfg = dict(layer_cfg)
        return nn.ModuleList([
            MMDetV05RoIAlign(
                cfg['output_size'],
                spatial_scale=1 / stride,
                sampling_ratio=cfg.get('sampling_ratio', 0))
            for stride in featmap_strides
        ])

    def map_roi_levels(self, rois: Tensor, num_levels: int) -> Tensor:
        """(N, ) FPN level of (N, 5) RoIs by old mmdet's ``+ 1`` scale."""
        scale = torch.sqrt(
            (rois[:, 3] - rois[:, 1] + 1) * (rois[:, 4] - rois[:, 2] + 1))
        levels = torch.floor(torch.log2(scale / self.finest_scale + 1e-6))
        return levels.clamp(min=0, max=num_levels - 1).long()
