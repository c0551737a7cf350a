# The toy model on the toy set's DAVIS-UVOS layout: one foreground class,
# trained on the toy DAVIS train sequences mixed with the toy COCO images as
# pseudo videos (every instance foreground), scored with J&F on toy DAVIS val.
#   python tools/dataset_converters/make_toy_vis.py data/toy --preset small
#   python tools/train.py \
#       configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-davis.py
_base_ = './seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'

data_root = '{{$MMPR_TOY_DATA:data/toy}}/DAVIS/'
scale = (320, 192)
model = dict(
    roi_head=dict(
        bbox_head=dict(num_classes=1), mask_head=dict(num_classes=1)),
    propagator=dict(num_key_frames=4))

davis_train_pipeline = [
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
train_dataloader = dict(
    dataset=dict(datasets=[
        dict(
            _base_.train_dataloader.dataset.datasets[0],
            class_mapping='foreground',
            metainfo=dict(classes=('object', ))),
        dict(
            type='DAVISUVOSDataset',
            data_root=data_root,
            split='train',
            pipeline=davis_train_pipeline),
    ]))
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='DAVISUVOSDataset',
        data_root=data_root,
        split='val',
        test_mode=True,
        pipeline=[
            dict(
                type='TransformBroadcaster',
                transforms=[
                    dict(type='LoadImageFromFile'),
                    dict(type='Resize', scale=scale, keep_ratio=True),
                    dict(type='LoadTrackAnnotations', with_mask=True),
                ]),
            dict(
                type='PackTrackInputs', meta_keys=('video_name', 'file_name'))
        ]))
test_evaluator = dict(
    _delete_=True, type='DAVISUVOSMetric',
    outfile_prefix=None)  # tools/test.py writes to <work_dir>/results
