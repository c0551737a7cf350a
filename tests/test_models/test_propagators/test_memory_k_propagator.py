import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.structures import InstanceData
from pycocotools import mask as mask_utils

from mmpr.models.layers import soft_aggregate
from mmpr.models.propagators import (MemoryBank, MemoryKPropagator,
                                     ProposeModel, memory_k_propagator,
                                     select_key_frames)
from mmpr.registry import MODELS
from mmpr.utils import StageTimer

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


def detect_given_masks(model, monkeypatch, masks):
    """Make key-frame detection return ``masks`` (a perfect detector)."""

    def detect_key_frame(feats, sample):
        return InstanceData(
            masks=masks.clone(),
            scores=torch.ones(len(masks)),
            labels=torch.zeros(len(masks), dtype=torch.long))

    monkeypatch.setattr(model, 'detect_key_frame', detect_key_frame)


def static_video(num_frames):
    """A textured square on noise, still: (T, 3, H, W) and its mask."""
    generator = torch.Generator().manual_seed(0)
    frame = torch.randn(3, H, W, generator=generator) * 0.3
    mask = torch.zeros(1, H, W, dtype=torch.bool)
    mask[0, 32:80, 48:96] = True
    frame[:, mask[0]] = torch.tensor([2.0, -1.5, 1.0])[:, None]
    return frame.expand(num_frames, -1, -1, -1).contiguous(), mask


def test_static_video_keeps_the_mask(toy_model, monkeypatch, frame_samples):
    frames, mask = static_video(num_frames=7)
    copy_head(toy_model, frames[:1], mask)
    detect_given_masks(toy_model, monkeypatch, mask)
    # mem_step 5: within these 7 frames the memory holds the key frame only
    propagator = MemoryKPropagator(num_key_frames=2, mem_step=5)
    with StageTimer() as timer:
        proposals = propagator.propose(toy_model, frames,
                                       frame_samples(7, H, W))
    # key frames 0 and 3, one instance each (sequences 0 and 1): propagated
    # both ways from 3
    assert len(proposals) == 2 and proposals.mask_size == (H, W)
    truth = mask_utils.encode(
        np.asfortranarray(mask[0].numpy().astype(np.uint8)))
    for key_frame, sequence in zip((0, 3), proposals.masks):
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
    # Eq. 2: the classification of the (nearly) same box on every frame
    first = toy_model.classify_masks(
        toy_model.extract_frame_feats(frames[:1]), mask)[0].detach().numpy()
    assert proposals.class_scores.shape == (2, 3)
    np.testing.assert_allclose(proposals.class_scores[0], first, atol=0.05)
    # (detection is the test's own here)
    assert {'backbone', 'propagation', 'classification',
            'encoding'} <= set(timer.seconds)


def test_empty_masks_are_absent(toy_model, monkeypatch, frame_samples):
    frames, mask = static_video(num_frames=3)
    detect_given_masks(toy_model, monkeypatch,
                       torch.cat([mask, torch.zeros_like(mask)]))
    proposals = MemoryKPropagator(num_key_frames=1).propose(
        toy_model, frames, frame_samples(3, H, W))
    # the empty detection is never present: no mask, zero class scores
    assert proposals.masks[1][0] is None
    assert proposals.masks[0][0] is not None
    assert not proposals.class_scores[1].any()


def test_memory_cap_keeps_the_key_frame_entry(toy_model, monkeypatch,
                                              frame_samples):
    frames, mask = static_video(num_frames=8)
    detect_given_masks(toy_model, monkeypatch, mask)
    head = toy_model.prop_head
    memories = []
    segment = head.segment

    def spy(memory, query, **kwargs):
        memories.append([(k.clone(), v.clone()) for k, v in memory])
        return segment(memory, query, **kwargs)

    monkeypatch.setattr(head, 'segment', spy)
    MemoryKPropagator(
        num_key_frames=1, mem_step=1,
        max_memory=3).propose(toy_model, frames, frame_samples(8, H, W))
    # one stream from frame 0; frame t reads the memory of frames < t
    sizes = [keys.size(2) for ((keys, _), ) in memories]
    assert sizes == [1, 2, 3, 3, 3, 3, 3]
    key_entry = memories[0][0][0][:, :, 0]
    for ((keys, _), ) in memories:
        torch.testing.assert_close(keys[:, :, 0], key_entry)


def test_resegmented_key_frames(toy_model, monkeypatch, frame_samples):
    frames, mask = static_video(num_frames=4)
    copy_head(toy_model, frames[:1], mask)
    detect_given_masks(toy_model, monkeypatch, mask)
    truth = mask_utils.encode(
        np.asfortranarray(mask[0].numpy().astype(np.uint8)))
    plain, resegmented = (
        MemoryKPropagator(
            num_key_frames=1, mem_step=5,
            resegment_key_frames=option).propose(toy_model, frames,
                                                 frame_samples(4, H, W))
        for option in (False, True))
    # the detector's mask, or the head's segmentation of the key frame from
    # the key frame's memory: on a still video, what every later frame gets
    assert mask_utils.iou([plain.masks[0][0]], [truth], [0]) == 1
    assert resegmented.masks[0][0] != plain.masks[0][0]
    assert resegmented.masks[0][0] == plain.masks[0][1]
    # the memory still holds the detector's mask: propagation is unchanged
    assert resegmented.masks[0][1:] == plain.masks[0][1:]


def test_early_reduction_starts_no_sequence_for_a_covered_detection(
        toy_model, monkeypatch, frame_samples):
    frames, mask = static_video(num_frames=7)
    copy_head(toy_model, frames[:1], mask)
    detect_given_masks(toy_model, monkeypatch, mask)
    runs = {}
    for early_reduction in (None, 0.99, 0.5):
        with StageTimer() as timer:
            proposals = MemoryKPropagator(
                num_key_frames=2, mem_step=5,
                early_reduction=early_reduction).propose(
                    toy_model, frames, frame_samples(7, H, W))
        runs[early_reduction] = proposals, timer.counts['decodes']
    # key frames 0 and 3: the square propagated from 0 into 3 (IoU ~0.9)
    # covers the detection there at 0.5, not at 0.99
    (plain, plain_decodes), (strict, _), (reduced, decodes) = runs.values()
    assert len(plain) == len(strict) == 2
    assert plain_decodes == 6 + 3 + 3  # 0 -> 6; 3 -> 6; 3 -> 0
    assert len(reduced) == 1 and decodes == 6
    assert reduced.masks[0] == plain.masks[0]  # all 7 frames
    assert all(rle is not None for rle in reduced.masks[0])


def test_mem_num_sets_the_memory_step_per_video(toy_model, monkeypatch,
                                                frame_samples):
    frames, mask = static_video(num_frames=9)
    detect_given_masks(toy_model, monkeypatch, mask)
    head = toy_model.prop_head
    sizes = []
    segment = head.segment

    def spy(memory, query, **kwargs):
        sizes.append(memory[0][0].size(2))
        return segment(memory, query, **kwargs)

    monkeypatch.setattr(head, 'segment', spy)
    # T = 9, mem_num = 3: a frame joins the memory every 3 frames
    MemoryKPropagator(
        num_key_frames=1, mem_step=1,
        mem_num=3).propose(toy_model, frames, frame_samples(9, H, W))
    assert sizes == [1, 1, 1, 2, 2, 2, 3, 3]
    with pytest.raises(ValueError, match='mem_num'):
        MemoryKPropagator(mem_num=0)


@pytest.mark.parametrize('num_frames, settings', [
    (9, dict(num_key_frames=2, mem_step=1)),
    (12, dict(num_key_frames=3, mem_step=5)),
    (11, dict(num_key_frames=3, key_frame_mode='uniform', mem_step=2)),
    (11, dict(num_key_frames=2, mem_step=1, max_memory=3)),
])
def test_memories_are_allocated_once_for_what_they_hold(
        toy_model, monkeypatch, frame_samples, num_frames, settings):
    frames, mask = static_video(num_frames)
    detect_given_masks(toy_model, monkeypatch, mask)
    banks = []

    class SpyBank(MemoryBank):

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            banks.append(self)

        def _grow(self, capacity):
            raise AssertionError('a memory outgrew its schedule')

    monkeypatch.setattr(memory_k_propagator, 'MemoryBank', SpyBank)
    MemoryKPropagator(**settings).propose(toy_model, frames,
                                          frame_samples(num_frames, H, W))
    # one memory per key frame and pass (none from the first frame
    # backward, none from the last forward), each filled exactly: no entry
    # is written at the last frame of a pass, where nothing would read it
    keys = select_key_frames(num_frames, settings['num_key_frames'],
                             settings.get('key_frame_mode', 'paper'))
    assert len(banks) == sum(0 < k for k in keys) + sum(k < num_frames - 1
                                                        for k in keys)
    for bank in banks:
        assert len(bank) == bank.capacity
    if 'max_memory' in settings:
        assert max(len(bank) for bank in banks) == settings['max_memory']


def test_mask_threshold_tie_as_the_authors():
    """Two instances that both saturate a pixel: soft aggregation gives each
    exactly 0.5 there. The authors' code binarises with ``>= 0.5`` and gives
    the pixel to both; mmpr's default (``> 0.5``) to neither."""
    saturated = torch.ones(2, 1, 2, 2)
    saturated[1, 0, 0, 0] = 0.0  # one pixel of instance 0 only
    probs = soft_aggregate(saturated)[1:, 0]  # (2, 2, 2)
    assert (probs[:, 1, 1] == 0.5).all()
    authors = probs >= 0.5  # their threshold, written from their code
    inclusive = MemoryKPropagator(mask_thr_inclusive=True)
    assert torch.equal(inclusive.binarize(probs), authors)
    assert inclusive.binarize(probs)[:, 1, 1].all()
    assert not MemoryKPropagator().binarize(probs)[:, 1, 1].any()


def test_padded_masks_count_the_padding(toy_model, monkeypatch, frame_samples):
    """The authors keep masks at the padded input size: a detection only in
    the padding is present there (classified); mmpr's default crops it to
    the image first (absent)."""
    frames, _ = static_video(num_frames=1)
    in_padding = torch.zeros(1, H, W, dtype=torch.bool)
    in_padding[0, H - 8:, 10:40] = True
    detect_given_masks(toy_model, monkeypatch, in_padding)
    samples = frame_samples(1, H - 16, W - 16, padded=(H, W))
    padded = MemoryKPropagator(
        num_key_frames=1, padded_masks=True).propose(toy_model, frames,
                                                     samples)
    assert padded.mask_size == (H, W)
    assert padded.frames(0) == [0] and padded.class_scores[0].any()
    assert padded.crop((H - 16, W - 16)).frames(0) == []
    cropped = MemoryKPropagator(num_key_frames=1).propose(
        toy_model, frames, samples)
    assert cropped.mask_size == (H - 16, W - 16)
    assert cropped.frames(0) == [] and not cropped.class_scores[0].any()


class DoorOnly:
    """The model seen through the :class:`ProposeModel` door and nothing
    else: no ``prop_head``, no ``roi_head``, no other attribute."""

    def __init__(self, model) -> None:
        self._model = model
        for name in ('extract_frame_feats', 'detect_key_frame',
                     'classify_boxes', 'encode_memory', 'encode_query',
                     'segment'):
            setattr(self, name, getattr(model, name))

    @property
    def num_classes(self) -> int:
        return self._model.num_classes


def test_the_propagator_uses_the_propose_door_only(toy_model, monkeypatch,
                                                   frame_samples):
    assert isinstance(toy_model, ProposeModel)
    door = DoorOnly(toy_model)
    assert isinstance(door, ProposeModel) and not hasattr(door, 'prop_head')
    frames, mask = static_video(num_frames=4)
    copy_head(toy_model, frames[:1], mask)
    detect_given_masks(toy_model, monkeypatch, mask)
    door.detect_key_frame = toy_model.detect_key_frame
    propagator = MemoryKPropagator(
        num_key_frames=2, mem_step=1, resegment_key_frames=True)
    direct, through_door = (
        propagator.propose(model, frames, frame_samples(4, H, W))
        for model in (toy_model, door))
    assert direct.masks == through_door.masks
    assert any(rle is not None for row in direct.masks for rle in row)
    np.testing.assert_array_equal(direct.class_scores,
                                  through_door.class_scores)
