# Main-training stage data for DAVIS-UVOS (paper Sec. 4.2): DAVIS pairs mixed
# with every COCO image as a pseudo video, every instance foreground; 640x320.
_base_ = ['./davis_uvos.py', './coco_pseudo_video.py']

main_train_scale = (640, 320)
main_train_pipeline = [
    dict(type='GuidanceFrameSample'),
    dict(
        type='TransformBroadcaster',
        share_random_params=True,
        transforms=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadTrackAnnotations', with_mask=True),
            dict(type='Resize', scale=main_train_scale, keep_ratio=True),
            dict(type='RandomFlip', prob=0.5),
        ]),
    dict(type='PackTrackInputs')
]
train_dataloader = dict(
    sampler=dict(type='ConcatTrackImgSampler'),
    dataset=dict(
        _delete_=True,
        type='VideoConcatDataset',
        datasets=[
            dict(
                _base_.coco_train_dataset,
                class_mapping='foreground',
                metainfo=dict(classes=('object', ))),
            dict(_base_.train_dataset, pipeline=main_train_pipeline),
        ]))
