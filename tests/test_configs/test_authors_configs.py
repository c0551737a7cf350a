"""The authors' inference configs (configs/seq_mask_rcnn/authors/) against
facts of the authors' evaluation code (shared notes:
official_code_facts.md): their key frames, memory, detector settings, old
mmdet's box coder, RoI extractor and mask head, and their reduction."""

import pytest
import torch
from config_names import (ConfigName, build_model, by_model, leaf_configs,
                          load_config)
from mmengine.registry import DefaultScope
from old_mmdet import old_delta2bbox, old_nms

from mmpr.registry import MODELS


def check_authors_settings(cfg, model):
    """The authors' evaluation run (facts of their code, see the base)."""
    davis = cfg.test_dataloader.dataset.type == 'DAVISUVOSDataset'
    propagator = model.propagator
    assert propagator.key_frame_mode == 'uniform'
    assert propagator.resegment_key_frames
    assert propagator.num_key_frames == (8 if davis else 5)
    if davis:  # mem_step = max(T // 10, 1)
        assert propagator.mem_num == 10
    else:  # every frame joins the memory
        assert propagator.mem_step == 1 and propagator.mem_num is None
    assert model.test_cfg.key_frame_mask_nms == 0.2
    assert model.test_cfg.rpn.max_per_img == 200
    assert type(
        model.rpn_head.prior_generator).__name__ == ('LegacyAnchorGenerator')
    for coder in (model.rpn_head.bbox_coder,
                  model.roi_head.bbox_head.bbox_coder):
        assert type(coder).__name__ == 'MMDetV05DeltaXYWHBBoxCoder'
    assert type(model.roi_head.mask_head).__name__ == 'MMDetV05FCNMaskHead'
    assert model.test_cfg.key_frame_order == 'class_grouped'
    assert model.test_cfg.rpn.min_bbox_size == -1
    for stage in ('rpn', 'rcnn'):
        assert model.test_cfg[stage].nms.offset == 1
    assert propagator.mask_thr_inclusive and propagator.padded_masks
    assert model.test_cfg.output_resize == 'torch'
    for extractor in (model.roi_head.bbox_roi_extractor,
                      model.roi_head.mask_roi_extractor):
        assert type(extractor).__name__ == 'MMDetV05RoIExtractor'
        assert extractor.roi_layers[0].align.sampling_ratio == 2
    reducer = model.reducer
    if davis:
        assert reducer.mode == 'soft'
    elif ConfigName.of(cfg.filename).schedule == 'authors-ca':
        assert reducer.mode == 'category_aware'
        assert cfg.test_evaluator.category_score_thr == 0.001
    else:
        assert reducer.mode == 'greedy'


@pytest.mark.parametrize('config',
                         by_model(leaf_configs('seq_mask_rcnn/authors')))
def test_authors_inference_settings(config):
    cfg = load_config(config)
    check_authors_settings(cfg, build_model(cfg.model))


def old_rpn_proposals(cls_scores, bbox_preds, anchors, img_shape, cfg):
    """Old mmdet's (0.5) ``RPNHead.get_bboxes_single``, from its definition:
    per level the top ``nms_pre`` sigmoid scores, old ``delta2bbox``, old
    NMS, the first ``nms_post``; then the top ``max_num`` over the levels.

    Returns:
        Tensor: (N, 5) proposals (boxes and scores), highest score first.
    """
    proposals = []
    for score, delta, level_anchors in zip(cls_scores, bbox_preds, anchors):
        score = score[0].permute(1, 2, 0).reshape(-1).sigmoid()
        delta = delta[0].permute(1, 2, 0).reshape(-1, 4)
        top = score.topk(min(cfg['nms_pre'], len(score))).indices
        boxes = old_delta2bbox(level_anchors[top], delta[top], img_shape)
        kept = old_nms(boxes.tolist(), score[top].tolist(),
                       cfg['nms_thr'])[:cfg['nms_post']]
        proposals.append(torch.cat([boxes, score[top, None]], 1)[kept])
    proposals = torch.cat(proposals)
    top = proposals[:, 4].topk(min(cfg['max_num'], len(proposals))).indices
    return proposals[top]


def test_authors_rpn_proposals_are_old_mmdets():
    """The authors' RPN settings (their test_cfg.rpn: nms_pre 200, nms_post
    200, max_num 200, nms_thr 0.7) through mmdet 3's RPN head give old
    mmdet's proposals: NMS per level then the global top k equals mmdet 3's
    top k per level then one NMS batched by level."""
    cfg = load_config('configs/seq_mask_rcnn/authors/'
                      'seq-mask-rcnn_r50_fpn_authors_youtubevis2019.py')
    with DefaultScope.overwrite_default_scope('mmpr'):
        head = MODELS.build(
            dict(cfg.model.rpn_head, test_cfg=cfg.model.test_cfg.rpn))
    torch.manual_seed(0)
    img_shape = (120, 200)
    sizes = [(30, 50), (15, 25), (8, 13), (4, 7), (2, 4)]
    cls_scores = [torch.randn(1, 3, h, w) * 3 for h, w in sizes]
    bbox_preds = [torch.randn(1, 12, h, w) for h, w in sizes]
    anchors = head.prior_generator.grid_priors(sizes, device='cpu')
    with torch.no_grad():
        result = head.predict_by_feat(
            cls_scores,
            bbox_preds,
            batch_img_metas=[dict(img_shape=img_shape, scale_factor=(1, 1))],
            rescale=False)[0]
    reference = old_rpn_proposals(
        cls_scores, bbox_preds, anchors, img_shape,
        dict(nms_pre=200, nms_post=200, max_num=200, nms_thr=0.7))
    assert len(result) == len(reference) == 200
    torch.testing.assert_close(
        result.bboxes, reference[:, :4], rtol=0, atol=2e-4)
    torch.testing.assert_close(result.scores, reference[:, 4])
