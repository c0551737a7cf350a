# Main-training stage data (paper Sec. 4.2): YouTube-VIS 2019 pairs mixed with
# COCO pseudo videos of the categories both share; every frame of both sets is
# a query once per epoch.
_base_ = ['./youtube_vis_2019.py', './coco_pseudo_video.py']

train_dataloader = dict(
    sampler=dict(type='ConcatTrackImgSampler'),
    dataset=dict(
        _delete_=True,
        type='VideoConcatDataset',
        datasets=[
            dict(_base_.coco_train_dataset, class_mapping='youtube_vis_2019'),
            _base_.train_dataset,
        ]))
