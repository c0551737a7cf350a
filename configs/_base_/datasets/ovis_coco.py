# Main-training stage data for OVIS (the paper's recipe for YouTube-VIS):
# OVIS pairs mixed with COCO pseudo videos of the categories both share
# (mmpr.datasets.COCO_TO_OVIS).
_base_ = ['./ovis.py', './coco_pseudo_video.py']

train_dataloader = dict(
    sampler=dict(type='ConcatTrackImgSampler'),
    dataset=dict(
        _delete_=True,
        type='VideoConcatDataset',
        datasets=[
            dict(_base_.coco_train_dataset, class_mapping='ovis'),
            _base_.train_dataset,
        ]))
