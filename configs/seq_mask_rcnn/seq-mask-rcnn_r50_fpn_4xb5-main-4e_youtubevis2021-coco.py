# Seq Mask R-CNN R50, main-training stage on YouTube-VIS 2021 + COCO
# pseudo videos: the 2019 config with the 2021 data (2021 layout:
# {split}/instances.json), prepared with
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/youtube_vis_2021 --version 2021
_base_ = './seq-mask-rcnn_r50_fpn_4xb5-main-4e_youtubevis2019-coco.py'

data_root = 'data/youtube_vis_2021/'
train_dataset = dict(
    dataset_version='2021',
    data_root=data_root,
    ann_file='annotations/youtube_vis_2021_train.json')
train_dataloader = dict(
    dataset=dict(datasets=[
        dict(_base_.coco_train_dataset, class_mapping='youtube_vis_2021'),
        dict(_base_.train_dataset, **train_dataset)
    ]))
test_dataloader = dict(
    dataset=dict(
        dataset_version='2021',
        data_root=data_root,
        ann_file='annotations/youtube_vis_2021_valid.json'))
test_evaluator = dict(outfile_prefix='work_dirs/youtube_vis_2021_results')
