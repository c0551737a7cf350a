# YouTube-VIS 2021 (2021 layout: {split}/instances.json), prepared with
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/youtube_vis_2021 --version 2021
_base_ = './youtube_vis_2019.py'

dataset_version = '2021'
data_root = 'data/youtube_vis_2021/'
train_dataset = dict(
    dataset_version=dataset_version,
    data_root=data_root,
    ann_file='annotations/youtube_vis_2021_train.json')
train_dataloader = dict(dataset=train_dataset)
test_dataloader = dict(
    dataset=dict(
        dataset_version=dataset_version,
        data_root=data_root,
        ann_file='annotations/youtube_vis_2021_valid.json'))
test_evaluator = dict(outfile_prefix='work_dirs/youtube_vis_2021_results')
