"""A narrow propagation head (ResNet-18 widths) and features for it: the
head tests stay fast on the CPU."""
import torch

WIDTHS = dict(
    in_channels=32,
    skip_channels=(16, 24),
    memory_channels=48,
    key_channels=8,
    value_channels=16,
    decoder_channels=16)
H, W = 64, 96  # padded input size; P2 is (16, 24), the memory grid (4, 6)


def frame_features(num_frames=1):
    """Random (F, 32, H/4, W/4) P2, (F, 16, H/4, W/4) C2 and (F, 24, H/8,
    W/8) C3."""
    p2 = torch.randn(num_frames, 32, H // 4, W // 4)
    c2 = torch.randn(num_frames, 16, H // 4, W // 4)
    c3 = torch.randn(num_frames, 24, H // 8, W // 8)
    return p2, c2, c3
