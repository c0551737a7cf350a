"""The residual blocks of the sequence propagation head's encoders and
decoder (paper Fig. 4, supplement Fig. 8).

Shape shorthand: F query frames, K instances.
"""
import torch.nn.functional as F
from torch import Tensor, nn


class ResBlock(nn.Module):
    """Pre-activation residual block without normalisation.

    The skip path is a 3x3 conv when the stride or width changes.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = None,
                 stride: int = 1) -> None:
        super().__init__()
        out_channels = out_channels or in_channels
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1)
        self.shortcut = (None if stride == 1
                         and in_channels == out_channels else nn.Conv2d(
                             in_channels, out_channels, 3, stride, 1))

    def forward(self, x: Tensor) -> Tensor:
        residual = self.conv2(F.relu(self.conv1(F.relu(x))))
        return (x if self.shortcut is None else self.shortcut(x)) + residual


class RefineBlock(nn.Module):
    """Decoder stage: a skip feature of the query plus the upsampled map.

    ``encode_skip`` depends only on the query frame, so inference runs it once
    per frame and shares it by all instances and key frames.
    """

    def __init__(self, skip_channels: int, channels: int) -> None:
        super().__init__()
        self.skip_conv = nn.Conv2d(skip_channels, channels, 3, padding=1)
        self.skip_block = ResBlock(channels)
        self.merge_block = ResBlock(channels)

    def encode_skip(self, skip: Tensor) -> Tensor:
        """(F, C_skip, hs, ws) backbone feature -> (F, C, hs, ws)."""
        return self.skip_block(self.skip_conv(skip))

    def forward(self, skip: Tensor, coarse: Tensor) -> Tensor:
        """Merge an encoded skip (F or 1, C, h, w) with (K, C, h/2, w/2)."""
        up = F.interpolate(
            coarse, size=skip.shape[-2:], mode='bilinear', align_corners=False)
        return self.merge_block(skip + up)


def stride16_encoder(in_channels: int, out_channels: int) -> nn.Sequential:
    """Two stride-2 residual blocks: P2 (1/4) -> (1/16, out_channels)."""
    return nn.Sequential(
        ResBlock(in_channels, in_channels, stride=2),
        ResBlock(in_channels, out_channels, stride=2))
