# The Track-by-Detect baseline on the synthetic toy set: mmdet's MaskTrack
# R-CNN (masktrack-rcnn_mask-rcnn_r50_fpn_8xb1-12e_youtubevis2019.py) with
# the toy Seq Mask R-CNN's budget. Inheriting that config shares, and keeps
# in step with it, the iterations (IterBasedTrainLoop), batch size (2),
# optimizer, lr schedule, seed, input size (320x192 keep_ratio), the test
# set and its YouTube-VIS metric; its backbone, neck and detection heads are
# referenced, so the widths are the same too (ResNet-18 from scratch, FPN
# 64, RPN 64, bbox fc 256, mask head 64, 3 classes). Like mmdet's recipe it
# trains on the videos only: no toy COCO images.
#   python tools/train.py \
#       configs/toy/masktrack-rcnn_r18_fpn_1xb2-1200i_toy-vis.py
_base_ = './seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'

# the toy Seq Mask R-CNN's detector with mmdet's MaskTrack R-CNN changes
detector = dict(
    type='MaskRCNN',
    backbone=_base_.model.backbone,
    neck=_base_.model.neck,
    rpn_head=_base_.model.rpn_head,
    roi_head=_base_.model.roi_head,
    train_cfg=dict(
        rpn=_base_.model.train_cfg.rpn,
        rpn_proposal=_base_.model.train_cfg.rpn_proposal,
        rcnn=_base_.model.train_cfg.rcnn),
    test_cfg=dict(
        rpn=_base_.model.test_cfg.rpn, rcnn=_base_.model.test_cfg.rcnn))
detector['train_cfg']['rpn'].sampler.update(dict(num=64))
detector['train_cfg']['rpn_proposal'].update(
    dict(nms_pre=200, max_per_img=200))
detector['train_cfg']['rcnn'].sampler.update(dict(num=128))
detector['test_cfg']['rpn'].update(dict(nms_pre=200, max_per_img=200))
detector['test_cfg']['rcnn'].update(
    dict(score_thr=0.01, max_per_img=100,
         nms=dict(class_agnostic=False)))  # NMS per class, as mmdet's

model = dict(
    _delete_=True,
    type='MaskTrackRCNN',
    data_preprocessor=dict(
        type='TrackDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_mask=True,
        pad_size_divisor=32),
    detector=detector,
    track_head=dict(
        type='RoITrackHead',
        roi_extractor=dict(
            type='SingleRoIExtractor',
            roi_layer=dict(type='RoIAlign', output_size=7, sampling_ratio=0),
            out_channels=64,  # FPN width
            featmap_strides=[4, 8, 16, 32]),
        embed_head=dict(
            type='RoIEmbedHead',
            num_fcs=2,
            roi_feat_size=7,
            in_channels=64,
            fc_out_channels=256),  # as narrow as the bbox head's fcs
        train_cfg=dict(
            assigner=dict(
                type='MaxIoUAssigner',
                pos_iou_thr=0.5,
                neg_iou_thr=0.5,
                min_pos_iou=0.5,
                match_low_quality=True,
                ignore_iof_thr=-1),
            sampler=dict(
                type='RandomSampler',
                num=128,
                pos_fraction=0.25,
                neg_pos_ub=-1,
                add_gt_as_proposals=True),
            pos_weight=-1,
            debug=False)),
    tracker=dict(
        type='MaskTrackRCNNTracker',
        match_weights=dict(det_score=1.0, iou=2.0, det_label=10.0),
        num_frames_retain=20))

# MaskTrack R-CNN's training: a key frame and one reference frame of the same
# video (up to 100 frames away), sampled over all frames of all videos
train_pipeline = [
    dict(
        type='UniformRefFrameSample',
        num_ref_imgs=1,
        frame_range=100,
        filter_key_img=True),
    dict(
        type='TransformBroadcaster',
        share_random_params=True,
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotations', with_mask=True),
            dict(type='Resize', scale=_base_.scale, keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
        ]),
    dict(type='PackTrackInputs')
]
train_dataloader = dict(
    _delete_=True,
    batch_size=_base_.train_dataloader.batch_size,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='TrackImgSampler'),  # image-based sampling
    batch_sampler=dict(type='TrackAspectRatioBatchSampler'),
    dataset=dict(
        type='YouTubeVISDataset',
        dataset_version='2019',
        data_root=_base_.data_root,
        metainfo=_base_.metainfo,
        ann_file='annotations/youtube_vis_2019_train.json',
        data_prefix=dict(img_path='train/JPEGImages'),
        pipeline=train_pipeline))
# Testing is inherited and is mmdet's MaskTrack R-CNN test set-up: one whole
# video per batch (DefaultSampler, every frame loaded by
# TransformBroadcaster), which MaskTrackRCNN.predict detects and tracks frame
# by frame; YouTubeVISMetric scores its per-frame tracks.
