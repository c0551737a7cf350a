# DAVIS-UVOS (DAVIS 2019 unsupervised): data/DAVIS/JPEGImages/480p,
# Annotations_unsupervised/480p (indexed PNGs), ImageSets/2019/*.txt. Every
# object is one class; fine-tuning at 854x480 (paper Sec. 4.2).
dataset_type = 'DAVISUVOSDataset'
data_root = 'data/DAVIS/'
train_scale = (854, 480)

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
train_dataset = dict(
    type=dataset_type,
    data_root=data_root,
    split='train',
    pipeline=train_pipeline)
train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='TrackImgSampler'),
    batch_sampler=dict(type='TrackAspectRatioBatchSampler'),
    dataset=train_dataset)
val_cfg = None
val_dataloader = None
val_evaluator = None
# Testing: whole val sequences; the model returns masks at the original size,
# the metric writes them as indexed PNGs and scores J&F.
test_scale = (854, 480)  # the 480p frames' own size
test_pipeline = [
    dict(
        type='TransformBroadcaster',
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=test_scale, keep_ratio=True),
            dict(type='LoadTrackAnnotations', with_mask=True),
        ]),
    # the metric names the PNGs <video_name>/<frame>.png
    dict(type='PackTrackInputs', meta_keys=('video_name', 'file_name'))
]
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        split='val',
        test_mode=True,
        pipeline=test_pipeline))
test_cfg = dict(type='TestLoop')
test_evaluator = dict(
    type='DAVISUVOSMetric',
    outfile_prefix=None)  # tools/test.py writes to <work_dir>/results
