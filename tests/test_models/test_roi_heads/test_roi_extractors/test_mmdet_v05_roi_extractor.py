import math

import pytest
import torch
from mmcv.ops import RoIAlign
from mmdet.models.roi_heads.roi_extractors import SingleRoIExtractor

from mmpr.models import MMDetV05RoIAlign
from mmpr.registry import MODELS


def old_bilinear(feat, y, x):
    """Old mmdet's kernel's ``bilinear_interpolate`` on a (H, W) map."""
    height, width = feat.shape
    if y < -1.0 or y > height or x < -1.0 or x > width:
        return 0.0
    y, x = max(y, 0.0), max(x, 0.0)
    y_low, x_low = int(y), int(x)
    if y_low >= height - 1:
        y_high = y_low = height - 1
        y = float(y_low)
    else:
        y_high = y_low + 1
    if x_low >= width - 1:
        x_high = x_low = width - 1
        x = float(x_low)
    else:
        x_high = x_low + 1
    ly, lx = y - y_low, x - x_low
    hy, hx = 1 - ly, 1 - lx
    return (hy * hx * feat[y_low, x_low] + hy * lx * feat[y_low, x_high] +
            ly * hx * feat[y_high, x_low] + ly * lx * feat[y_high, x_high])


def old_roi_align(feats, rois, out_size, scale, sample_num):
    """Old mmdet's RoIAlign kernel (``ROIAlignForwardV1``), from its
    arithmetic: a RoI from ``x1 * scale`` to ``(x2 + 1) * scale``, its size
    clamped at 0, ``sample_num`` (or ceil(bin size)) samples per bin side
    at the sub-bin centres, averaged."""
    out = torch.zeros(len(rois), feats.shape[1], out_size, out_size)
    for n, (b, x1, y1, x2, y2) in enumerate(rois.tolist()):
        start_w, start_h = x1 * scale, y1 * scale
        roi_w = max((x2 + 1) * scale - start_w, 0.0)
        roi_h = max((y2 + 1) * scale - start_h, 0.0)
        bin_w, bin_h = roi_w / out_size, roi_h / out_size
        num_h = sample_num if sample_num > 0 else math.ceil(bin_h)
        num_w = sample_num if sample_num > 0 else math.ceil(bin_w)
        for c in range(feats.shape[1]):
            feat = feats[int(b), c]
            for ph in range(out_size):
                for pw in range(out_size):
                    total = 0.0
                    for iy in range(num_h):
                        y = start_h + ph * bin_h + (iy + 0.5) * bin_h / num_h
                        for ix in range(num_w):
                            x = (
                                start_w + pw * bin_w +
                                (ix + 0.5) * bin_w / num_w)
                            total += float(old_bilinear(feat, y, x))
                    out[n, c, ph, pw] = total / max(num_h * num_w, 1)
    return out


ROIS = torch.tensor([
    [0, 3.0, 2.0, 17.0, 30.0],  # inside
    [1, 0.0, 0.0, 47.0, 39.0],  # the whole 48 x 40 frame
    [0, 30.5, 10.25, 52.0, 45.0],  # past the bottom-right edge
    [1, 10.0, 12.0, 10.6, 12.4],  # under one feature cell
    [0, 20.0, 20.0, 18.0, 18.5],  # malformed: x2 < x1 - 1 (size 0)
])


@pytest.mark.parametrize('scale', [0.25, 0.125])
@pytest.mark.parametrize('sample_num', [2, 0])
def test_roi_align_is_the_old_kernel(scale, sample_num):
    torch.manual_seed(0)
    feats = torch.rand(2, 2, int(40 * scale), int(48 * scale))
    reference = old_roi_align(feats, ROIS, 7, scale, sample_num)
    pooled = MMDetV05RoIAlign(7, scale, sample_num)(feats, ROIS)
    torch.testing.assert_close(pooled, reference, rtol=0, atol=1e-5)
    # mmcv's aligned=False: half a pixel off, its size clamped at 1
    mmcv = RoIAlign(7, scale, sample_num, aligned=False)(feats, ROIS)
    assert (mmcv - reference).abs().max() > 1e-2


def test_extractor_maps_levels_by_old_sizes():
    """Old mmdet's level of a RoI: floor(log2(sqrt((w + 1)(h + 1)) / 56))
    with w = x2 - x1; a box with w = h = 111.5 is level 1 there, 0 in
    mmdet 3."""
    extractor = MODELS.build(
        dict(
            type='MMDetV05RoIExtractor',
            roi_layer=dict(type='RoIAlign', output_size=7, sampling_ratio=2),
            out_channels=2,
            featmap_strides=[4, 8, 16, 32]))
    rois = torch.tensor([[0, 0, 0, 111.5, 111.5], [0, 0, 0, 110.0, 110.0],
                         [0, 10, 10, 500, 300], [0, 0, 0, 223.5, 223.5]])
    widths = (rois[:, 3] - rois[:, 1] + 1) * (rois[:, 4] - rois[:, 2] + 1)
    old = torch.floor(torch.log2(widths.sqrt() / 56 + 1e-6)).clamp(0, 3)
    assert extractor.map_roi_levels(rois, 4).tolist() == old.long().tolist()
    assert extractor.map_roi_levels(rois, 4).tolist() == [1, 0, 2, 2]
    mmdet = SingleRoIExtractor.map_roi_levels(extractor, rois, 4)
    assert mmdet.tolist() == [0, 0, 2, 1]
    assert extractor.inclusive_boxes
    layers = extractor.roi_layers
    assert all(isinstance(layer, MMDetV05RoIAlign) for layer in layers)
    assert [layer.spatial_scale
            for layer in layers] == [1 / 4, 1 / 8, 1 / 16, 1 / 32]
