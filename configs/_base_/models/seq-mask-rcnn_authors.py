# The authors' evaluation run of their released models (their repository's
# tools/ProposeReduce and test scripts, see the README, "Using the authors'
# models"), as overrides of an mmpr Seq Mask R-CNN:
#   model = dict(_base_.authors_youtube_vis)   (or authors_davis)
# Old mmdet (0.5.6) conventions the weights were trained with: anchors with
# the old centre offset (mmdet's LegacyAnchorGenerator), old delta2bbox with
# its half-pixel corners (MMDetV05DeltaXYWHBBoxCoder; mmdet's legacy coder
# leaves them out), the old NMS kernel's +1 box sizes (mmcv's offset=1), the
# old RoIAlign kernel and FPN level of a RoI (MMDetV05RoIExtractor: boxes end
# at their last pixel), the old mask pasting (MMDetV05FCNMaskHead).
_legacy_extractor = dict(
    type='MMDetV05RoIExtractor',
    roi_layer=dict(type='RoIAlign', sampling_ratio=2))
_legacy_coder = dict(type='MMDetV05DeltaXYWHBBoxCoder')
_legacy_detector = dict(
    rpn_head=dict(
        anchor_generator=dict(type='LegacyAnchorGenerator', center_offset=0.5),
        bbox_coder=_legacy_coder),
    roi_head=dict(
        bbox_roi_extractor=_legacy_extractor,
        mask_roi_extractor=_legacy_extractor,
        bbox_head=dict(bbox_coder=_legacy_coder),
        mask_head=dict(type='MMDetV05FCNMaskHead')),
    test_cfg=dict(
        # old multiclass_nms's order into the key-frame mask NMS: grouped by
        # class unless more than max_per_img survive
        key_frame_order='class_grouped',
        # their save_jsons: the 0/1 mask as float, bilinear, > 0.5
        output_resize='torch',
        # old mmdet drops small proposals only for min_bbox_size > 0, mmdet
        # 3 for >= 0 (boxes of width 0)
        rpn=dict(nms=dict(offset=1), min_bbox_size=-1),
        rcnn=dict(nms=dict(offset=1))))
# key frames as the base model's test_cfg: RPN 200 proposals, score > 0.2,
# per-class NMS 0.5, at most 10, then class-agnostic mask NMS at IoU 0.2
authors_youtube_vis = dict(
    _legacy_detector,
    # uniform key frames incl. the first and the last, key_num = 5; every
    # propagated frame joins the memory (propose.mem_step = 1); the key
    # frame's own mask is the prop head's re-segmentation of it
    propagator=dict(
        num_key_frames=5,
        key_frame_mode='uniform',
        mem_step=1,
        mask_thr_inclusive=True,  # their >= 0.5
        # masks at the padded input size until the output, as theirs
        padded_masks=True,
        resegment_key_frames=True),
    # reduce=dict(type='seq_nms', score_thr=0.05, iou_thr=0.5)
    reducer=dict(iou_thr=0.5, score_thr=0.05, mode='greedy'))
authors_davis = dict(
    _legacy_detector,
    # key_num = 8; mem_num = 10: mem_step = max(T // 10, 1)
    propagator=dict(
        num_key_frames=8,
        key_frame_mode='uniform',
        mem_num=10,
        mask_thr_inclusive=True,
        padded_masks=True,
        resegment_key_frames=True),
    # seq_soft_nms: Gaussian, sigma 0.5, score floor 0.001, at most 20
    reducer=dict(
        mode='soft',
        soft_sigma=0.5,
        category_score_thr=0.001,
        max_per_category=20))
# CateAwareReduce configs: seq-NMS at IoU 0.9, then per class Gaussian
# soft-NMS (sigma 0.5, floor 0.001, at most 100); records down to 0.001
authors_category_aware = dict(
    reducer=dict(
        mode='category_aware',
        category_aware_iou_thr=0.9,
        soft_sigma=0.5,
        category_score_thr=0.001,
        max_per_category=100))
authors_category_aware_records = dict(category_score_thr=0.001)
