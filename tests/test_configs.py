"""Every config under configs/ parses and builds its model; the toy config
also builds its datasets on the toy set (real data sets are absent here)."""
import glob
import os.path as osp
import re

import pytest
import torch
from mmdet.models import MaskRCNN, MaskTrackRCNN
from mmengine.config import Config, ConfigDict
from mmengine.registry import DefaultScope
from old_mmdet import old_delta2bbox, old_nms

from mmpr.models import SeqMaskRCNN
from mmpr.registry import DATA_SAMPLERS, DATASETS, MODELS, TRANSFORMS

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# RoIs per image of the CPU-time toy configs (the toy frames hold at most 4
# objects; docs/benchmarks.md, section 5): 64 for the query frames; 32 per
# frame where both frames of a pair are detected (the demo config)
TOY = 'configs/toy/seq-mask-rcnn_r18-w32_fpn_1xb2-{}_toy-vis.py'
RCNN_ROIS = {
    TOY.format('300i'): 64,
    TOY.format('pairdet-300i'): 32,
    TOY.format('pairdet-900i'): 32
}
CONFIGS = sorted(
    osp.relpath(path, REPO_ROOT) for path in glob.glob(
        osp.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in path)


def registered_types(node, registry_of_key):
    """Yield (registry, type) of every dict with a ``type`` in a config."""
    if isinstance(node, (dict, ConfigDict)):
        if 'type' in node and isinstance(node['type'], str):
            yield registry_of_key, node['type']
        for key, value in node.items():
            registry = {
                'pipeline': TRANSFORMS,
                'transforms': TRANSFORMS,
                'sampler': DATA_SAMPLERS,
                'batch_sampler': DATA_SAMPLERS,
            }.get(key, registry_of_key)
            yield from registered_types(value, registry)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from registered_types(value, registry_of_key)


def check_authors_settings(cfg, model):
    """The authors' evaluation run (facts of their code, see the base)."""
    davis = 'davis' in cfg.filename
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
    elif '-ca_' in cfg.filename:
        assert reducer.mode == 'category_aware'
        assert cfg.test_evaluator.category_score_thr == 0.001
    else:
        assert reducer.mode == 'greedy'


@pytest.mark.parametrize('config', CONFIGS)
def test_config_builds_model(config):
    cfg = Config.fromfile(osp.join(REPO_ROOT, config))
    assert cfg.default_scope == 'mmpr'
    with DefaultScope.overwrite_default_scope('mmpr'):
        model = MODELS.build(cfg.model)
        for registry, name in registered_types(cfg.train_dataloader, DATASETS):
            assert registry.get(name) is not None, f'unknown type {name}'
    if osp.basename(config).startswith('mask-rcnn'):
        # the toy detector that the toy Seq Mask R-CNN starts from
        assert type(model) is MaskRCNN
        assert model.roi_head.bbox_head.num_classes == 3
        return
    if osp.basename(config).startswith('masktrack-rcnn'):
        # the Track-by-Detect peer of the toy benchmarks, same widths
        assert type(model) is MaskTrackRCNN
        assert model.detector.roi_head.bbox_head.num_classes == 3
        assert model.detector.neck.out_channels == 64
        return
    assert isinstance(model, SeqMaskRCNN)
    num_classes = model.roi_head.bbox_head.num_classes
    if 'youtubevis' in config:
        assert num_classes == 40
    elif 'davis' in config:
        assert num_classes == 1
    if '_authors' in config:
        check_authors_settings(cfg, model)
        return
    # where the paper is silent, the authors' detector settings
    assert model.test_cfg.key_frame_mask_nms == 0.2
    assert model.train_cfg.rpn_proposal.max_per_img == 200
    assert model.train_cfg.rpn.sampler.num == 64
    assert model.train_cfg.rcnn.sampler.num == RCNN_ROIS.get(config, 128)
    assert model.rpn_head.loss_bbox.beta == pytest.approx(1 / 9)
    assert model.roi_head.bbox_head.loss_bbox.beta == 1.0
    # {gpus}xb{batch} in the name: the per-GPU batch, and the whole batch
    # that auto_scale_lr scales the lr from
    gpus, batch = map(int, re.search(r'_(\d+)xb(\d+)-', config).groups())
    assert cfg.train_dataloader.batch_size == batch
    assert cfg.auto_scale_lr.base_batch_size == gpus * batch
    if '-main-' in config:
        assert cfg.train_cfg.max_epochs == 4
        assert cfg.optim_wrapper.optimizer.lr == 5e-3
        assert cfg.load_from.startswith('https://')
    elif '-ft-' in config:
        assert cfg.train_cfg.max_epochs == 5
        assert cfg.optim_wrapper.optimizer.lr == 5e-5
        # the authors' warm-up, then the paper's fixed lr
        warmup, = cfg.param_scheduler
        assert warmup.type == 'LinearLR' and warmup.end == 10
        # no work_dirs path: the README says which main-stage checkpoint
        assert cfg.load_from is None
        main_stage = config.replace('-ft-5e_',
                                    '-main-4e_').replace('.py', '-coco.py')
        assert osp.isfile(osp.join(REPO_ROOT, main_stage))
        # the pairs of the video set only, no COCO pseudo videos
        assert cfg.train_dataloader.dataset.type != 'VideoConcatDataset'
    if 'r101' in config:
        assert model.backbone.depth == 101
    if 'x101' in config:
        assert type(model.backbone).__name__ == 'ResNeXt'
    if 'youtubevis2021' in config:
        assert '2021' in cfg.test_dataloader.dataset.ann_file


def test_toy_config_builds_datasets(toy_root):
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'toy',
                 'seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'))
    coco, video = cfg.train_dataloader.dataset.datasets
    coco.data_root = osp.join(toy_root, 'coco')
    video.data_root = osp.join(toy_root, 'youtube_vis_2019')
    with DefaultScope.overwrite_default_scope('mmpr'):
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        sampler = DATA_SAMPLERS.build(
            cfg.train_dataloader.sampler, default_args=dict(dataset=dataset))
    assert len(list(sampler)) == dataset.num_all_imgs
    sample = dataset[next(iter(sampler))]
    assert tuple(sample['inputs'].shape[:2]) == (2, 3)


@pytest.mark.parametrize('iters', [1200, 3600])
def test_toy_masktrack_has_the_budget_of_seq_mask_rcnn(iters):
    """The toy accuracy comparison trains both methods with one budget."""
    seq, masktrack = (
        Config.fromfile(
            osp.join(REPO_ROOT, 'configs', 'toy',
                     f'{name}_r18_fpn_1xb2-{iters}i_toy-vis.py'))
        for name in ('seq-mask-rcnn', 'masktrack-rcnn'))
    assert seq.train_cfg.max_iters == iters
    for key in ('train_cfg', 'param_scheduler', 'optim_wrapper', 'randomness',
                'test_dataloader', 'test_evaluator'):
        assert masktrack[key] == seq[key], key
    assert masktrack.train_dataloader.batch_size == 2
    assert seq.train_dataloader.batch_size == 2


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
    cfg = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', 'seq_mask_rcnn', 'authors',
                 'seq-mask-rcnn_r50_fpn_authors_youtubevis2019.py'))
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
