# Seq Mask R-CNN, ResNet-50 + FPN (paper Sec. 3.1.3, Fig. 4): mmdet's Mask
# R-CNN plus the Seq-Prop head with the authors' widths, for the 40
# YouTube-VIS classes. It takes frame pairs (N, 2, C, H, W) in training.
_base_ = 'mmdet::_base_/models/mask-rcnn_r50_fpn.py'

model = dict(
    _scope_='mmpr',  # the mmdet:: base marks this dict as mmdet's
    type='SeqMaskRCNN',
    # mmdet's TrackDataPreprocessor for training; at test time the video stays
    # uint8 and each frame is normalised right before its backbone
    data_preprocessor=dict(type='VideoDataPreprocessor', pad_mask=True),
    # where the paper is silent, the detector trains as in the authors' code
    # (their fine-tuning configs, old mmdet's MaskTrack R-CNN recipe):
    # smooth L1 box losses (RPN beta 1/9, RoI head beta 1)
    rpn_head=dict(
        loss_bbox=dict(
            _delete_=True,
            type='SmoothL1Loss',
            beta=1.0 / 9.0,
            loss_weight=1.0)),
    roi_head=dict(
        bbox_head=dict(
            num_classes=40,
            loss_bbox=dict(
                _delete_=True, type='SmoothL1Loss', beta=1.0,
                loss_weight=1.0)),
        mask_head=dict(num_classes=40)),
    prop_head=dict(
        type='SeqPropHead',
        in_channels=256,  # P2 (FPN width)
        skip_channels=(256, 512),  # backbone C2, C3
        memory_channels=512,  # encoders' width at 1/16
        key_channels=64,
        value_channels=256,
        decoder_channels=256,
        loss_prop=dict(type='SoftIoULoss', loss_weight=1.0)),
    # inference (paper Sec. 3): propose sequences by memory K-propagation
    propagator=dict(
        type='MemoryKPropagator',
        num_key_frames=6,  # K: 6 for YouTube-VIS, 4 for DAVIS-UVOS
        key_frame_mode='paper',  # Eq. 1; 'uniform': the authors' code
        mem_step=5,  # a frame joins the memory every 5 frames
        max_memory=None),  # unbounded memory, as the paper
    # then reduce them by sequence NMS (Alg. 2, Eq. 3), theta = 0.5
    reducer=dict(
        type='SequenceNMS', iou_thr=0.5, score_thr=0.05,
        mode='greedy'),  # 'category_aware': Table 5's reduction
    train_cfg=dict(
        # authors' code: 64 anchors sampled per image, anchors crossing the
        # image border ignored; the RoI head trains on their test-time 200
        # proposals, 128 RoIs sampled per image (a quarter positive)
        rpn=dict(sampler=dict(num=64), allowed_border=0),
        rpn_proposal=dict(nms_pre=200, max_per_img=200),
        rcnn=dict(sampler=dict(num=128)),
        # at most this many guidance instances per pair (authors' code: 5)
        prop=dict(max_objects=5)),
    test_cfg=dict(
        # key-frame detection (paper supplement; authors' code): 200
        # proposals, score > 0.2, at most O = 10 instances per key frame,
        # after the authors' class-agnostic mask NMS at IoU 0.2 (their
        # utils.MaskNMS; the paper's "top 10" are these detections)
        key_frame_mask_nms=0.2,
        rpn=dict(
            nms_pre=200,
            max_per_img=200,
            nms=dict(type='nms', iou_threshold=0.7)),
        rcnn=dict(
            score_thr=0.2,
            nms=dict(type='nms', iou_threshold=0.5),
            max_per_img=10,
            mask_thr_binary=0.5)))
