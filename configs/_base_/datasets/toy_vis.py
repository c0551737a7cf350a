# The synthetic toy set, written and prepared by
#   python tools/dataset_converters/make_toy_vis.py data/toy
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
# Training mixes, as the main-training stage does, the toy video pairs with
# the toy COCO images as pseudo videos (its `star` category is not a video
# class and is dropped). The toy valid split is annotated: it is scored
# locally with AP/AR.
toy_root = '{{$MMPR_TOY_DATA:data/toy}}'  # or set MMPR_TOY_DATA
data_root = toy_root + '/youtube_vis_2019/'
coco_root = toy_root + '/coco/'
metainfo = dict(classes=('disc', 'square', 'triangle'))
scale = (320, 192)  # the toy frames' own size

video_train_pipeline = [
    dict(type='GuidanceFrameSample'),
    dict(
        type='TransformBroadcaster',
        share_random_params=True,
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotations', with_mask=True),
            dict(type='Resize', scale=scale, keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
        ]),
    dict(type='PackTrackInputs')
]
coco_train_pipeline = [
    dict(type='PseudoVideoSample', angles=(-30, 0, 30)),
    dict(
        type='TransformBroadcaster',
        share_random_params=True,
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotations', with_mask=True),
            dict(type='RotateFrame'),
            dict(type='Resize', scale=scale, keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
        ]),
    dict(type='PackTrackInputs')
]
test_pipeline = [
    dict(
        type='TransformBroadcaster',
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=scale, keep_ratio=True),
            dict(type='LoadTrackAnnotations', with_mask=True),
        ]),
    dict(type='PackTrackInputs')
]

train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='ConcatTrackImgSampler'),
    batch_sampler=dict(type='TrackAspectRatioBatchSampler'),
    dataset=dict(
        type='VideoConcatDataset',
        datasets=[
            dict(
                type='CocoPseudoVideoDataset',
                data_root=coco_root,
                metainfo=metainfo,
                ann_file='annotations/instances_train2017.json',
                data_prefix=dict(img_path='train2017/'),
                pipeline=coco_train_pipeline),
            dict(
                type='YouTubeVISDataset',
                dataset_version='2019',
                data_root=data_root,
                metainfo=metainfo,
                ann_file='annotations/youtube_vis_2019_train.json',
                data_prefix=dict(img_path='train/JPEGImages'),
                pipeline=video_train_pipeline),
        ]))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type='YouTubeVISDataset',
        dataset_version='2019',
        data_root=data_root,
        metainfo=metainfo,
        ann_file='annotations/youtube_vis_2019_valid.json',
        data_prefix=dict(img_path='valid/JPEGImages'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='YouTubeVISMetric',
    metric_items=['mAP', 'mAP_50', 'mAP_75', 'AR@1', 'AR@10'])
test_evaluator = val_evaluator
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
