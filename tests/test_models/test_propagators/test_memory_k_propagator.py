import os.path as osp

import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.registry import DefaultScope
from pycocotools import mask as mask_utils

from mmpr.models.propagators import MemoryKPropagator, select_key_frames
from mmpr.models.propagators.memory_k_propagator import _Stream
from mmpr.registry import MODELS

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
H, W = 96, 128


@pytest.mark.parametrize('num_frames, num_keys, expected', [
    (1, 6, [0]),
    (2, 1, [0]),
    (2, 6, [0, 1]),
    (5, 2, [0, 2]),
    (5, 4, [0, 1, 2, 3]),
    (5, 5, [0, 1, 2, 3, 4]),
    (37, 1, [0]),
    (37, 4, [0, 9, 18, 27]),
    (37, 6, [0, 6, 12, 18, 24, 30]),
    (37, 8, [0, 4, 8, 12, 16, 20, 24, 28]),
    (37, 0, list(range(37))),
])
def test_key_frames_eq1(num_frames, num_keys, expected):
    assert select_key_frames(num_frames, num_keys) == expected
    step = max(num_frames // max(num_keys, 1), 1)
    if 0 < num_keys < num_frames:
        assert expected == [step * k for k in range(num_keys)]


@pytest.mark.parametrize('num_frames, num_keys, expected', [
    (1, 6, [0]),
    (5, 2, [0, 4]),
    (37, 6, [0, 7, 14, 21, 28, 36]),
    (37, 1, [0]),
])
def test_key_frames_uniform(num_frames, num_keys, expected):
    assert select_key_frames(num_frames, num_keys, 'uniform') == expected


def test_bad_arguments():
    with pytest.raises(ValueError, match="'paper' or 'uniform'"):
        MemoryKPropagator(key_frame_mode='even')
    with pytest.raises(ValueError, match='mem_step'):
        MemoryKPropagator(mem_step=0)
    with pytest.raises(ValueError, match='at least one frame'):
        select_key_frames(0, 6)


@pytest.fixture(scope='module')
def toy_model(repo_root):
    cfg = Config.fromfile(osp.join(repo_root, TOY_CONFIG))
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model)
    return model.eval()


def identity_block(block):
    """Make a ResBlock return its input (channel-cropped; stride 2: 2x2
    averages, centred like align_corners=False interpolation)."""
    for conv in (block.conv1, block.conv2):
        torch.nn.init.zeros_(conv.weight)
        torch.nn.init.zeros_(conv.bias)
    if block.shortcut is not None:
        weight = block.shortcut.weight
        torch.nn.init.zeros_(weight)
        torch.nn.init.zeros_(block.shortcut.bias)
        stride = block.shortcut.stride[0]
        for c in range(min(weight.shape[:2])):
            weight[c, c, 1:1 + stride, 1:1 + stride] = 1 / stride**2


def copy_head(model, frame, mask):
    """Make the head copy the memory mask to where the query looks alike.

    Encoders pass P2 through; the mask goes (x1000) into channel 0, which
    only the values read. The key is one channel: the projection of the
    encoded P2 on the direction from the mean background to the mean object
    feature of ``frame`` (a constructed, 'calibrated' head), so that object
    positions attend to object positions and background to background. The
    decoder adds the read-out mask channel (1/16) to a likewise calibrated
    projection of C2 (1/4, +-0.5) and thresholds the sum at 1: foreground
    where the memory says so and the fine features look alike.
    """
    head = model.prop_head
    with torch.no_grad():
        for module in head.modules():
            if isinstance(module, torch.nn.Conv2d):
                torch.nn.init.zeros_(module.weight)
                torch.nn.init.zeros_(module.bias)
        head.mask_encoder.weight[0, 0, 3, 3] = 1000
        for encoder in (head.memory_encoder, head.query_encoder):
            for block in encoder:
                identity_block(block)
        head.memory_value.weight[0, 0, 0, 0] = 1 / 1000
        head.fuse.weight[0, 0, 1, 1] = 1
        for block in (head.fuse_block, head.refine3.skip_block,
                      head.refine3.merge_block, head.refine2.skip_block,
                      head.refine2.merge_block):
            identity_block(block)
        head.predictor.weight[1, 0, 1, 1] = 40
        head.predictor.bias[1] = -40
        # calibrate the key on the frame's encoded P2 and the skip on its C2
        feats = model.extract_frame_feats(frame)
        encoded = head.query_encoder(feats.fpn[0])
        for features, convs, gain, channels in ((encoded[0], (head.memory_key,
                                                              head.query_key),
                                                 80, 'key'),
                                                (feats.skips[0][0],
                                                 (head.refine2.skip_conv, ),
                                                 0.5, 'skip')):
            grid = torch.nn.functional.interpolate(
                mask[None].float(), size=features.shape[-2:])[0, 0] > 0.5
            obj = features[:, grid].mean(1)
            bg = features[:, ~grid].mean(1)
            direction = obj - bg
            if channels == 'key':
                direction[0] = 0  # the mask channel
                scale = gain / direction.norm()**2
            else:
                scale = 2 * gain / (direction @ direction)
            for conv in convs:
                center = conv.kernel_size[0] // 2
                conv.weight[0, :, center, center] = scale * direction
                conv.bias[0] = -scale * direction @ (obj + bg) / 2


class GivenMasksPropagator(MemoryKPropagator):
    """Key-frame 'detection' returns given masks (a perfect detector)."""

    def __init__(self, masks, **kwargs):
        super().__init__(**kwargs)
        self.masks = masks

    def detect(self, model, fpn, sample):
        return self.masks.clone()


def frame_samples(num_frames):
    return [
        DetDataSample(
            metainfo=dict(
                img_shape=(H, W),
                ori_shape=(H, W),
                batch_input_shape=(H, W),
                pad_shape=(H, W),
                scale_factor=(1.0, 1.0))) for _ in range(num_frames)
    ]


def static_video(num_frames):
    """A textured square on noise, still: (T, 3, H, W) and its mask."""
    generator = torch.Generator().manual_seed(0)
    frame = torch.randn(3, H, W, generator=generator) * 0.3
    mask = torch.zeros(1, H, W, dtype=torch.bool)
    mask[0, 32:80, 48:96] = True
    frame[:, mask[0]] = torch.tensor([2.0, -1.5, 1.0])[:, None]
    return frame.expand(num_frames, -1, -1, -1).contiguous(), mask


def test_static_video_keeps_the_mask(toy_model):
    frames, mask = static_video(num_frames=7)
    copy_head(toy_model, frames[:1], mask)
    # mem_step 5: within these 7 frames the memory holds the key frame only
    propagator = GivenMasksPropagator(mask, num_key_frames=2, mem_step=5)
    proposals = propagator.propose(toy_model, frames, frame_samples(7))
    # key frames 0 and 3, one instance each: propagated both ways from 3
    assert proposals.key_frames == [0, 3]
    truth = mask_utils.encode(
        np.asfortranarray(mask[0].numpy().astype(np.uint8)))
    for key_frame, sequence in zip(proposals.key_frames, proposals.masks):
        assert all(rle is not None for rle in sequence)
        assert mask_utils.iou([sequence[key_frame]], [truth], [0]) == 1
        propagated = [rle for t, rle in enumerate(sequence) if t != key_frame]
        # the constructed decoder reads a 1/16 memory grid, so propagation
        # costs some boundary pixels, the same in every frame, forward and
        # backward
        ious = mask_utils.iou(propagated, [truth], [0])
        assert (ious > 0.85).all(), ious
        ious = mask_utils.iou(propagated, propagated, [0] * len(propagated))
        assert (ious > 0.98).all(), ious
    assert proposals.class_scores.shape == (2, 3)
    assert np.allclose(proposals.class_scores.sum(1) <= 1, True)
    timings = propagator.timings()
    assert {'backbone', 'detection', 'propagation',
            'classification'} <= set(timings)


def test_memory_cap_keeps_the_key_frame_entry(toy_model):
    head = toy_model.prop_head
    propagator = MemoryKPropagator(max_memory=3)
    p2 = torch.randn(1, 64, H // 4, W // 4)
    stream = propagator._start_stream(toy_model, 0, [0], p2,
                                      torch.ones(1, H, W))
    key_entry = stream.memory_keys[:, :, 0].clone()
    for _ in range(5):
        propagator._memorize(head, stream, p2, torch.rand(1, H, W))
    assert stream.memory_keys.shape[2] == 3
    assert stream.memory_values.shape[2] == 3
    torch.testing.assert_close(stream.memory_keys[:, :, 0], key_entry)


def test_chunked_decoding_equals_one_batch(toy_model):
    torch.manual_seed(1)
    head = toy_model.prop_head
    p2, c2, c3 = (torch.randn(1, 64, H // 4,
                              W // 4), torch.randn(1, 64, H // 4, W // 4),
                  torch.randn(1, 128, H // 8, W // 8))
    query = head.encode_query(p2, c2, c3)
    streams = []
    for num in (3, 2):
        keys, values = head.encode_memory(
            p2.expand(num, -1, -1, -1), torch.rand(num, H, W))
        streams.append(
            _Stream(0, list(range(num)), torch.stack([keys, keys], 2),
                    torch.stack([values, values], 2)))
    whole = MemoryKPropagator(chunk_size=100)._decode(head, streams, query)
    chunked = MemoryKPropagator(
        chunk_size=2, read_budget_mb=0)._decode(head, streams, query)
    torch.testing.assert_close(whole, chunked, rtol=1e-4, atol=1e-5)
    assert whole.shape == (5, H, W)


class ProbsKeeper(MemoryKPropagator):
    """Keeps the decoded probabilities (H, W) of every (frame, sequence)."""

    def propose(self, model, frames, frame_samples):
        self.probs = {}
        return super().propose(model, frames, frame_samples)

    def _propagate(self, model, streams, t, feats, builder, direction):
        self.frame = t
        super()._propagate(model, streams, t, feats, builder, direction)

    def _decode(self, head, streams, query):
        probs = super()._decode(head, streams, query)
        sequences = [s for stream in streams for s in stream.sequences]
        self.probs.update({
            (self.frame, s): p
            for s, p in zip(sequences, probs)
        })
        return probs


def test_straightforward_path_gives_the_same_proposals(repo_root):
    cfg = Config.fromfile(osp.join(repo_root, TOY_CONFIG))
    cfg.model.test_cfg.rcnn.update(score_thr=0.0, max_per_img=2)  # O = 2
    cfg.model.prop_head.prior_prob = None
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model).eval()
    with torch.no_grad():
        # untrained, the head barely tells instances apart: after soft
        # aggregation no propagated pixel would pass 0.5; sharpen it
        model.prop_head.predictor.weight.mul_(10)
        model.prop_head.mask_encoder.weight.mul_(300)
    generator = torch.Generator().manual_seed(0)
    texture = torch.nn.functional.interpolate(
        torch.randn(1, 3, H // 8, W // 8, generator=generator),
        size=(H, W),
        mode='bilinear')[0]
    frames = torch.stack(
        [torch.roll(texture, 3 * t, dims=2) for t in range(6)])
    results = []
    for straightforward in (False, True):
        # key frames 0, 2, 5: the last one propagates backward only
        propagator = ProbsKeeper(
            num_key_frames=3,
            key_frame_mode='uniform',
            mem_step=2,
            straightforward=straightforward)
        proposals = propagator.propose(model, frames, frame_samples(6))
        results.append((proposals, propagator.probs))
    (default, default_probs), (straight, straight_probs) = results
    assert default.key_frames == straight.key_frames == [0, 0, 2, 2, 5, 5]
    # every sequence reaches every other frame, in either path
    assert default_probs.keys() == straight_probs.keys()
    assert len(default_probs) == 6 * 5
    for key, probs in default_probs.items():
        torch.testing.assert_close(
            straight_probs[key], probs, rtol=0, atol=1e-4)
    np.testing.assert_allclose(
        straight.class_scores, default.class_scores, rtol=0, atol=1e-4)
    assert default.class_scores.max() > 0
    # the probabilities agree to float rounding (~1e-7), so thresholding at
    # 0.5 could flip only pixels closer to 0.5 than that: none here
    propagated = 0
    for sequence, other, key_frame in zip(default.masks, straight.masks,
                                          default.key_frames):
        for t, (rle, other_rle) in enumerate(zip(sequence, other)):
            area = mask_utils.area(rle)
            assert area == mask_utils.area(other_rle)
            if area:
                assert mask_utils.iou([rle], [other_rle], [0])[0, 0] > 0.999
                propagated += t != key_frame
    assert propagated > 10  # the check is not vacuous
