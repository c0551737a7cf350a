# YouTube-VIS 2019, prepared with
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/youtube_vis_2019 --version 2019
# Training: every annotated frame is a query frame once per epoch
# (TrackImgSampler); its guidance frame comes from the same video by the
# authors' rule (GuidanceFrameSample); both frames share one resize and flip.
# Testing: whole videos. No validation during training: the official valid
# split has no public annotations (score locally on a split of train).
dataset_type = 'YouTubeVISDataset'
dataset_version = '2019'
data_root = 'data/youtube_vis_2019/'
# paper Sec. 4.2: 640x320 in both training stages (authors' code: 640x360)
train_scale = (640, 320)
# the authors' test size: 1280x720 videos at half size
test_scale = (640, 360)

train_pipeline = [
    dict(type='GuidanceFrameSample'),
    dict(
        type='TransformBroadcaster',
        share_random_params=True,
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotations', with_mask=True),
            dict(type='Resize', scale=train_scale, keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
        ]),
    dict(type='PackTrackInputs')
]
test_pipeline = [
    dict(
        type='TransformBroadcaster',
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=test_scale, keep_ratio=True),
            dict(type='LoadTrackAnnotations', with_mask=True),
        ]),
    dict(type='PackTrackInputs')
]

val_cfg = None
val_dataloader = None
val_evaluator = None

train_dataset = dict(
    type=dataset_type,
    dataset_version=dataset_version,
    data_root=data_root,
    ann_file=f'annotations/youtube_vis_{dataset_version}_train.json',
    data_prefix=dict(img_path='train/JPEGImages'),
    pipeline=train_pipeline)
train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='TrackImgSampler'),
    batch_sampler=dict(type='TrackAspectRatioBatchSampler'),
    dataset=train_dataset)
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        dataset_version=dataset_version,
        data_root=data_root,
        ann_file=f'annotations/youtube_vis_{dataset_version}_valid.json',
        data_prefix=dict(img_path='valid/JPEGImages'),
        test_mode=True,
        pipeline=test_pipeline))
test_cfg = dict(type='TestLoop')
# the official valid split has no annotations: write the submission zip
test_evaluator = dict(
    type='YouTubeVISMetric', format_only=True,
    outfile_prefix=None)  # tools/test.py writes to <work_dir>/results
