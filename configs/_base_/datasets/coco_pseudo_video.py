# COCO train2017 images as three-frame pseudo videos (paper Sec. 4.2): an
# image and its -30 / +30 degree rotations; a training sample is two different
# frames of it (guidance, query). Mixed with a video set in the main-training
# stage (see the *_coco.py dataset configs), which set `class_mapping`.
coco_root = 'data/coco/'
coco_train_scale = (640, 320)  # paper Sec. 4.2, main-training stage

coco_train_pipeline = [
    dict(type='PseudoVideoSample', angles=(-30, 0, 30)),
    dict(
        type='TransformBroadcaster',
        share_random_params=True,
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotations', with_mask=True),
            dict(type='RotateFrame'),
            dict(type='Resize', scale=coco_train_scale, keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
        ]),
    dict(type='PackTrackInputs')
]
coco_train_dataset = dict(
    type='CocoPseudoVideoDataset',
    data_root=coco_root,
    ann_file='annotations/instances_train2017.json',
    data_prefix=dict(img_path='train2017/'),
    pipeline=coco_train_pipeline)
