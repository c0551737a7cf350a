import os.path as osp
from contextlib import contextmanager
from typing import Iterator

import numpy as np
import pytest
import torch
from mmdet.models.data_preprocessors import TrackDataPreprocessor
from mmdet.structures import DetDataSample, TrackDataSample
from mmdet.structures.mask import BitmapMasks
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.structures import InstanceData

from mmpr.engine import BF16OptimWrapper
from mmpr.models import SeqMaskRCNN, VideoDataPreprocessor
from mmpr.models.detectors import FrameFeatures
from mmpr.registry import MODELS
from mmpr.structures import InstanceSequences
from mmpr.utils import StageTimer, mixed_precision

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
H, W = 64, 96


@pytest.fixture(scope='module')
def model(repo_root):
    cfg = Config.fromfile(osp.join(repo_root, TOY_CONFIG))
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model)
    assert isinstance(model, SeqMaskRCNN)
    return model.train()


def frame(boxes, ids, labels=None) -> DetDataSample:
    """A frame with box-shaped instances, padded to (H, W)."""
    masks = np.zeros((len(boxes), H, W), np.uint8)
    for mask, (x0, y0, x1, y1) in zip(masks, boxes):
        mask[y0:y1, x0:x1] = 1
    sample = DetDataSample(
        metainfo=dict(
            img_shape=(H, W),
            ori_shape=(H, W),
            pad_shape=(H, W),
            batch_input_shape=(H, W),
            scale_factor=(1.0, 1.0)))
    sample.gt_instances = InstanceData(
        bboxes=torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4),
        labels=torch.tensor(labels or [0] * len(boxes)),
        masks=BitmapMasks(masks, H, W),
        instances_ids=torch.tensor(ids))
    return sample


def pair(query: DetDataSample, guidance: DetDataSample) -> TrackDataSample:
    sample = TrackDataSample(
        metainfo=dict(key_frames_inds=[1], ref_frames_inds=[0]))
    sample.video_data_samples = [guidance, query]
    return sample


def test_loss_on_pairs(model):
    samples = [
        pair(
            frame([[10, 10, 40, 40], [50, 20, 90, 60]], [1, 2], [0, 2]),
            frame([[12, 8, 42, 38], [48, 22, 88, 62], [0, 0, 8, 8]], [1, 2, 3],
                  [0, 2, 1])),
        pair(frame([[20, 5, 60, 50]], [7]), frame([[22, 6, 62, 52]], [7])),
    ]
    inputs = torch.randn(2, 2, 3, H, W)
    losses = model.loss(inputs, samples)
    assert {
        'loss_rpn_cls', 'loss_rpn_bbox', 'loss_cls', 'loss_bbox', 'loss_mask',
        'loss_prop'
    } <= set(losses)
    assert 0 < losses['loss_prop'].item() <= 1
    loss, _ = model.parse_losses(losses)
    model.zero_grad()
    loss.backward()
    assert model.prop_head.mask_encoder.weight.grad.abs().sum() > 0


def test_mixed_precision_training_step(model):
    """Under ``BF16OptimWrapper`` the backbone runs in bf16 and the Mask
    R-CNN heads in fp32 (mmcv's CPU RoIAlign has no bf16 kernel); every
    loss is fp32 and the gradients reach all heads."""
    samples = [
        pair(
            frame([[10, 10, 40, 40], [50, 20, 90, 60]], [1, 2], [0, 2]),
            frame([[12, 8, 42, 38], [48, 22, 88, 62]], [1, 2], [0, 2])),
    ]
    inputs = torch.randn(1, 2, 3, H, W)
    # lr 0: the module's weights stay as they are for the other tests
    wrapper = BF16OptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0))
    try:
        with wrapper.optim_context(model):
            feats = model.extract_frame_feats(inputs[:, 0])
            losses = model.loss(inputs, samples)
        assert feats.fpn[0].dtype is torch.bfloat16
        loss, _ = model.parse_losses(losses)
        for name, value in losses.items():
            for level in value if isinstance(value, list) else [value]:
                if 'loss' in name:  # one tensor, or one per FPN level
                    assert level.dtype is torch.float32, name
                    assert torch.isfinite(level), name
        model.zero_grad()
        wrapper.backward(loss)
        for head in (model.backbone.conv1, model.rpn_head.rpn_conv,
                     model.roi_head.bbox_head.fc_cls,
                     model.prop_head.mask_encoder):
            assert head.weight.grad.abs().sum() > 0, head
    finally:
        model.zero_grad()
        model.to(memory_format=torch.contiguous_format)


def test_detection_losses_on_guidance_frames_too(model, monkeypatch):
    seen = []

    def record(fpn, samples):
        seen.append((fpn[0].shape[0], [id(s) for s in samples]))
        return {}

    monkeypatch.setattr(model, 'detection_loss', record)
    query = frame([[10, 10, 40, 40]], [1])
    guidance = frame([[12, 8, 42, 38]], [1])
    inputs = torch.randn(1, 2, 3, H, W)
    model.loss(inputs, [pair(query, guidance)])
    monkeypatch.setitem(model.train_cfg, 'detect_guidance_frames', True)
    model.loss(inputs, [pair(query, guidance)])
    # by default the query frames only (the authors' code), with the option
    # the guidance frames as well, each with its own features
    assert seen == [(1, [id(query)]), (2, [id(query), id(guidance)])]


def test_guidance_is_capped_and_shared_only(model, monkeypatch):
    seen = {}

    def fake_loss(guidance_p2, guidance_masks, query, targets):
        seen.update(
            masks=guidance_masks,
            pairs=targets.pair_inds,
            targets=targets.target_masks)
        return dict(loss_prop=guidance_masks.sum() * 0)

    monkeypatch.setattr(model.prop_head, 'loss', fake_loss)
    monkeypatch.setattr(model.prop_head, 'guidance', 'predicted')
    boxes = [[8 * i, 4, 8 * i + 8, 30] for i in range(8)]
    query = frame(boxes, list(range(8)))
    guidance = frame(boxes + [[0, 40, 20, 60]], list(range(8)) + [99])
    model.loss(torch.randn(1, 2, 3, H, W), [pair(query, guidance)])
    assert len(seen['pairs']) == model.prop_head.max_objects == 5
    # guidance masks are the model's own soft, detached estimates
    masks = seen['masks']
    assert masks.shape == (5, H, W) and not masks.requires_grad
    assert ((masks > 0) & (masks < 1)).any()
    assert set(seen['targets'].unique().tolist()) <= {0.0, 1.0}


def test_ground_truth_guidance(model, monkeypatch):
    seen = {}

    def fake_loss(guidance_p2, guidance_masks, query, targets):
        seen.update(masks=guidance_masks, targets=targets.target_masks)
        return dict(loss_prop=guidance_masks.sum() * 0)

    monkeypatch.setattr(model.prop_head, 'loss', fake_loss)
    monkeypatch.setattr(model.prop_head, 'guidance', 'ground_truth')
    query = frame([[10, 10, 40, 40], [50, 20, 90, 60]], [1, 2])
    guidance = frame([[60, 20, 90, 50], [12, 8, 42, 38]], [2, 1])
    model.loss(torch.randn(1, 2, 3, H, W), [pair(query, guidance)])
    # the guidance frame's own masks, in its instance order
    expected = guidance.gt_instances.masks.to_tensor(torch.float, 'cpu')
    assert torch.equal(seen['masks'], expected)
    assert seen['targets'][0, 30, 70] == 1 and seen['targets'][1, 20, 20] == 1


def test_prop_train_cfg_is_checked_when_the_model_is_built(repo_root):
    cfg = Config.fromfile(osp.join(repo_root, TOY_CONFIG))
    cfg.model.train_cfg.prop.guidance = 'gt'
    with DefaultScope.overwrite_default_scope('mmpr'):
        with pytest.raises(ValueError, match="'predicted', 'ground_truth'"):
            MODELS.build(cfg.model)


def test_no_shared_instance_gives_zero_loss_with_gradients(model):
    samples = [
        pair(frame([[10, 10, 40, 40]], [1]), frame([[10, 10, 40, 40]], [2]))
    ]
    losses = model.loss(torch.randn(1, 2, 3, H, W), samples)
    assert losses['loss_prop'].item() == 0
    model.zero_grad()
    losses['loss_prop'].backward()
    assert model.prop_head.mask_encoder.weight.grad is not None


def test_predict_whole_video(model):
    model.eval()
    num_frames = 5
    video = TrackDataSample()
    video.video_data_samples = [
        DetDataSample(
            metainfo=dict(
                img_shape=(H, W),
                ori_shape=(2 * H, 2 * W),
                pad_shape=(H, W),
                batch_input_shape=(H, W),
                scale_factor=(0.5, 0.5),
                frame_id=t)) for t in range(num_frames)
    ]
    rcnn_cfg = model.roi_head.test_cfg
    score_thr, rcnn_cfg.score_thr = rcnn_cfg.score_thr, 0.0  # untrained
    try:
        with torch.no_grad(), StageTimer() as timer:
            out = model.predict(torch.randn(1, num_frames, 3, H, W), [video])
    finally:
        rcnn_cfg.score_thr = score_thr
        model.train()
    assert out[0] is video
    sequences = video.pred_sequences
    assert isinstance(sequences, InstanceSequences)
    assert sequences.num_frames == num_frames
    assert sequences.mask_size == (2 * H, 2 * W)  # rescaled to ori_shape
    assert sequences.class_scores.shape == (len(sequences), 3)
    # highest score first, as the reduction keeps them
    assert (np.diff(sequences.scores) <= 0).all()
    # K = 6 >= 5 frames: every frame is a key frame, at most O = 10 each
    assert 0 < len(sequences) <= num_frames * 10
    for s in range(len(sequences)):
        for t in sequences.frames(s):
            assert sequences.masks[s][t]['size'] == [2 * H, 2 * W]
    assert {'backbone', 'detection', 'propagation',
            'reduction'} <= set(timer.seconds)


@pytest.mark.parametrize('scale', [2.0, 1.0, 0.5])
def test_key_frames_without_detections_at_any_input_scale(model, scale):
    """A key frame may detect nothing (mmdet then returns its empty masks
    at the original size): it starts no sequence, whether the input was
    upscaled, kept or downscaled."""
    model.eval()
    ori_shape = (round(H / scale), round(W / scale))
    video = TrackDataSample()
    video.video_data_samples = [
        DetDataSample(
            metainfo=dict(
                img_shape=(H, W),
                ori_shape=ori_shape,
                pad_shape=(H, W),
                batch_input_shape=(H, W),
                scale_factor=(scale, scale),
                frame_id=t)) for t in range(3)
    ]
    rcnn_cfg = model.roi_head.test_cfg
    score_thr, rcnn_cfg.score_thr = rcnn_cfg.score_thr, 1.1  # none passes
    try:
        with torch.no_grad():
            inputs = torch.randn(1, 3, 3, H, W)
            detected = model.detect_key_frame(
                model.extract_frame_feats(inputs[:, 0]),
                video.video_data_samples[0])
            model.predict(inputs, [video])
    finally:
        rcnn_cfg.score_thr = score_thr
        model.train()
    assert detected.masks.shape == (0, H, W)
    assert len(detected.scores) == len(detected.labels) == 0
    sequences = video.pred_sequences
    assert len(sequences) == 0 and sequences.num_frames == 3
    assert sequences.mask_size == ori_shape


def test_key_frame_detection_and_mask_classification(model):
    model.eval()
    sample = DetDataSample(
        metainfo=dict(
            img_shape=(H - 8, W - 16),
            ori_shape=(H - 8, W - 16),
            pad_shape=(H, W),
            batch_input_shape=(H, W),
            scale_factor=(1.0, 1.0)))
    rcnn_cfg = model.roi_head.test_cfg
    score_thr, rcnn_cfg.score_thr = rcnn_cfg.score_thr, 0.0  # untrained
    try:
        with torch.no_grad():
            feats = model.extract_frame_feats(torch.randn(1, 3, H, W))
            detected = model.detect_key_frame(feats, sample)
            masks = torch.zeros(3, H, W, dtype=torch.bool)
            masks[0, 5:20, 5:30] = True
            masks[1, 30:50, 40:90] = True
            masks[2] = masks[1]
            masks[2, 35:45, 50:80] = False  # a hole: the same box
            probs = model.classify_masks(feats, masks)
    finally:
        rcnn_cfg.score_thr = score_thr
        model.train()
    assert 0 < len(detected) <= 10
    assert detected.masks.shape[1:] == (H, W)
    assert not detected.masks[:, H - 8:].any()  # zero outside img_shape
    assert not detected.masks[:, :, W - 16:].any()
    assert (detected.scores[:-1] >= detected.scores[1:]).all()
    # C = 3 classes, classified by the mask's box: a mask with a hole
    # scores as the filled one, another box differently
    assert probs.shape == (3, 3)
    torch.testing.assert_close(probs[2], probs[1])
    assert not torch.allclose(probs[0], probs[1])


def authors_mask2box(mask: torch.Tensor) -> list:
    """The authors' ``mask2box``: the tight box of a (H, W) mask grown by
    one pixel, ending at its last pixel, clipped to [0, W - 1]."""
    ys, xs = torch.nonzero(mask, as_tuple=True)
    height, width = mask.shape
    return [
        max(int(xs.min()) - 1, 0),
        max(int(ys.min()) - 1, 0),
        min(int(xs.max()) + 1, width - 1),
        min(int(ys.max()) + 1, height - 1)
    ]


def test_mask_classification_with_old_mmdets_boxes(repo_root):
    """With old mmdet's RoI extractor, a mask is classified on the authors'
    ``mask2box`` box (its end is the last pixel)."""
    from mmdet.structures.bbox import bbox2roi
    cfg = Config.fromfile(osp.join(repo_root, TOY_CONFIG))
    for extractor in ('bbox_roi_extractor', 'mask_roi_extractor'):
        cfg.model.roi_head[extractor].type = 'MMDetV05RoIExtractor'
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model).eval()
    masks = torch.zeros(3, H, W, dtype=torch.bool)
    masks[0, 5:20, 5:30] = True
    masks[1, 30:H, 40:W] = True  # touches the bottom-right corner
    masks[2, 0:3, 0:2] = True  # the top-left corner
    with torch.no_grad():
        feats = model.extract_frame_feats(torch.randn(1, 3, H, W))
        probs = model.classify_masks(feats, masks)
        boxes = torch.tensor([authors_mask2box(m) for m in masks]).float()
        cls_score = model.roi_head._bbox_forward(feats.fpn,
                                                 bbox2roi([boxes
                                                           ]))['cls_score']
    torch.testing.assert_close(probs, cls_score.softmax(-1)[:, :-1])


def test_predict_takes_one_video(model):
    with pytest.raises(ValueError, match='one video per batch'):
        model.predict(torch.zeros(2, 1, 3, H, W), [TrackDataSample()] * 2)


def test_key_frame_order_class_grouped(model):
    sample = key_frame_sample()
    with untrained_inference(model):
        feats = model.extract_frame_feats(seeded_frame())
        model.test_cfg['key_frame_mask_nms'] = None
        by_score = model.detect_key_frame(feats, sample)
        model.test_cfg['key_frame_order'] = 'class_grouped'
        try:
            grouped = model.detect_key_frame(feats, sample)
        finally:
            del model.test_cfg['key_frame_order']
    # untrained: more than O = 10 survive, so old mmdet sorts by score
    assert len(grouped) == len(by_score) == 10
    assert torch.equal(grouped.scores, by_score.scores)
    with untrained_inference(model):
        model.test_cfg['key_frame_mask_nms'] = None
        model.test_cfg['key_frame_order'] = 'class_grouped'
        rcnn_cfg = model.roi_head.test_cfg
        max_per_img, rcnn_cfg.max_per_img = rcnn_cfg.max_per_img, 1000
        try:
            grouped = model.detect_key_frame(feats, sample)
        finally:
            rcnn_cfg.max_per_img = max_per_img
            del model.test_cfg['key_frame_order']
    # fewer than O = 1000 survive: grouped by class, by score within a class
    labels = grouped.labels.tolist()
    assert labels == sorted(labels) and len(set(labels)) > 1
    for label in set(labels):
        scores = grouped.scores[grouped.labels == label]
        assert (scores[:-1] >= scores[1:]).all()
    assert grouped.masks.shape[1:] == (H, W)


@pytest.mark.parametrize('key', ['key_frame_order', 'output_resize'])
def test_test_cfg_choices_are_checked(repo_root, key):
    cfg = Config.fromfile(osp.join(repo_root, TOY_CONFIG))
    cfg.model.test_cfg[key] = 'class'
    with DefaultScope.overwrite_default_scope('mmpr'), pytest.raises(
            ValueError, match=f'{key} must be one of'):
        MODELS.build(cfg.model)


def key_frame_sample() -> DetDataSample:
    """A test frame of (H, W), unpadded."""
    return DetDataSample(
        metainfo=dict(
            img_shape=(H, W),
            ori_shape=(H, W),
            pad_shape=(H, W),
            batch_input_shape=(H, W),
            scale_factor=(1.0, 1.0),
            frame_id=0))


def seeded_frame() -> torch.Tensor:
    """The same random (1, 3, H, W) frame, whatever ran before."""
    return torch.randn(1, 3, H, W, generator=torch.Generator().manual_seed(0))


@contextmanager
def untrained_inference(model) -> Iterator[None]:
    """The model in eval mode, without gradients, keeping every detection
    (score floor 0: untrained scores are low); restored on exit."""
    rcnn_cfg = model.roi_head.test_cfg
    score_thr, rcnn_cfg.score_thr = rcnn_cfg.score_thr, 0.0
    iou_thr = model.test_cfg.get('key_frame_mask_nms')
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.test_cfg['key_frame_mask_nms'] = iou_thr
        rcnn_cfg.score_thr = score_thr
        model.train()


def test_key_frame_mask_nms_leaves_no_duplicate(model):
    sample = key_frame_sample()
    with untrained_inference(model):
        feats = model.extract_frame_feats(seeded_frame())
        model.test_cfg['key_frame_mask_nms'] = None
        plain = model.detect_key_frame(feats, sample)
        model.test_cfg['key_frame_mask_nms'] = 0.2
        reduced = model.detect_key_frame(feats, sample)

    def max_iou(masks):
        flat = masks.flatten(1).float()
        inter = flat @ flat.T
        union = flat.sum(1)[:, None] + flat.sum(1)[None] - inter
        return (inter / union.clamp(min=1)).fill_diagonal_(0).max()

    assert max_iou(plain.masks) >= 0.2  # the untrained detector repeats
    assert 0 < len(reduced) < len(plain)
    assert max_iou(reduced.masks) < 0.2
    assert (reduced.scores[:-1] >= reduced.scores[1:]).all()


def test_mixed_precision_keeps_the_detector_in_fp32(model):
    """Under autocast the backbone and the prop head run in bf16;
    detection and classification run in fp32 (mmcv has no bf16 CPU NMS /
    RoIAlign) and give the fp32 results."""
    sample = key_frame_sample()
    masks = torch.zeros(1, H, W, dtype=torch.bool)
    masks[0, 10:40, 20:60] = True
    with untrained_inference(model):
        feats = model.extract_frame_feats(torch.randn(1, 3, H, W))
        plain = model.detect_key_frame(feats, sample)
        plain_probs = model.classify_masks(feats, masks)
        with mixed_precision('cpu'):
            low = model.extract_frame_feats(torch.randn(1, 3, H, W))
            mixed = model.detect_key_frame(feats, sample)
            mixed_probs = model.classify_masks(feats, masks)
    assert low.fpn[0].dtype is torch.bfloat16
    assert torch.equal(mixed.masks, plain.masks)
    torch.testing.assert_close(mixed.scores, plain.scores)
    assert mixed_probs.dtype is torch.float32
    torch.testing.assert_close(mixed_probs, plain_probs)


def test_mixed_precision_predict(model):
    num_frames = 3
    frames = torch.randint(0, 256, (num_frames, 3, H, W), dtype=torch.uint8)
    video = TrackDataSample()
    video.video_data_samples = [key_frame_sample() for _ in range(num_frames)]
    for t, frame in enumerate(video):
        frame.set_metainfo(dict(frame_id=t))
    # the weight layout of a backbone, an FPN and a prop head convolution
    # at each call
    convs = dict(
        backbone=model.backbone.conv1,
        neck=model.neck.lateral_convs[0].conv,
        prop_head=model.prop_head.predictor)
    layouts = {name: [] for name in convs}
    hooks = [
        conv.register_forward_pre_hook(
            lambda conv, _, name=name: layouts[name].append(
                conv.weight.is_contiguous(memory_format=torch.channels_last)))
        for name, conv in convs.items()
    ]
    try:
        with untrained_inference(model), mixed_precision('cpu'):
            result = model.test_step(
                dict(inputs=[frames], data_samples=[video]))[0]
    finally:
        for hook in hooks:
            hook.remove()
    sequences = result.pred_sequences
    assert len(sequences) and sequences.num_frames == num_frames
    for name, conv in convs.items():
        # channels-last during the call, contiguous fp32 after
        assert layouts[name] and all(layouts[name]), name
        assert conv.weight.dtype is torch.float32
        assert conv.weight.is_contiguous()


def test_channels_last_features_detect_and_classify_as_contiguous(model):
    """mmcv's RoIAlign reads raw memory: features in the channels-last
    layout of mixed precision give the results of contiguous ones."""
    sample = key_frame_sample()
    masks = torch.zeros(1, H, W, dtype=torch.bool)
    masks[0, 10:40, 20:60] = True
    with untrained_inference(model):
        feats = model.extract_frame_feats(torch.randn(1, 3, H, W))
        layout = FrameFeatures(
            tuple(
                x.contiguous(memory_format=torch.channels_last)
                for x in feats.fpn), feats.skips)
        plain = model.detect_key_frame(feats, sample)
        permuted = model.detect_key_frame(layout, sample)
        plain_probs = model.classify_masks(feats, masks)
        permuted_probs = model.classify_masks(layout, masks)
    assert len(plain)
    assert torch.equal(permuted.masks, plain.masks)
    torch.testing.assert_close(permuted.scores, plain.scores)
    torch.testing.assert_close(permuted_probs, plain_probs)


def test_streamed_frames_predict_as_the_normalised_video(model):
    """uint8 frames normalised one at a time by ``extract_frame_feats``
    give the sequences of mmdet's whole-video float tensor, bit for bit."""
    model.eval()
    num_frames, height, width = 4, H - 6, W - 10  # padded to (H, W)
    generator = torch.Generator().manual_seed(0)
    base = torch.randint(
        0, 256, (3, height, width), generator=generator, dtype=torch.uint8)
    frames = torch.stack([base.roll(3 * t, dims=2) for t in range(num_frames)])

    def batch():
        video = TrackDataSample()
        video.video_data_samples = [
            DetDataSample(
                metainfo=dict(
                    img_shape=(height, width),
                    ori_shape=(height, width),
                    scale_factor=(1.0, 1.0),
                    frame_id=t)) for t in range(num_frames)
        ]
        return dict(inputs=[frames], data_samples=[video])

    streaming = model.data_preprocessor
    assert isinstance(streaming, VideoDataPreprocessor)
    whole_video = TrackDataPreprocessor(
        mean=streaming.mean.flatten().tolist(),
        std=streaming.std.flatten().tolist(),
        bgr_to_rgb=True,
        pad_size_divisor=32,
        pad_mask=True)
    rcnn_cfg = model.roi_head.test_cfg
    score_thr, rcnn_cfg.score_thr = rcnn_cfg.score_thr, 0.0  # untrained
    results, timers = [], []
    try:
        for preprocessor in (streaming, whole_video):
            model.data_preprocessor = preprocessor
            with torch.no_grad(), StageTimer() as timer:
                results.append(model.test_step(batch())[0].pred_sequences)
            timers.append(timer.seconds)
    finally:
        model.data_preprocessor = streaming
        rcnn_cfg.score_thr = score_thr
        model.train()
    streamed, normalised = results
    # uint8 frames are normalised in the model, float frames taken as they are
    assert 'preprocessing' in timers[0] and 'preprocessing' not in timers[1]
    assert len(streamed) > 0
    assert streamed.masks == normalised.masks
    np.testing.assert_array_equal(streamed.class_scores,
                                  normalised.class_scores)
