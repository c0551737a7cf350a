# Seq Mask R-CNN R50, main-training stage on YouTube-VIS 2021 + COCO
# pseudo videos: the 2019 config with the 2021 data.
_base_ = [
    './seq-mask-rcnn_r50_fpn_4xb5-main-4e_youtubevis2019-coco.py',
    '../_base_/datasets/youtube_vis_2021.py'
]

train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.coco_train_dataset, class_mapping='youtube_vis_2021'),
        dict(_base_.train_dataset, **_base_.youtube_vis_2021_train)
    ]))
test_dataloader = dict(dataset=_base_.youtube_vis_2021_test)
