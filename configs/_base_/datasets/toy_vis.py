# The synthetic toy VIS set in the YouTube-VIS 2019 layout, written and
# prepared by:
#   python tools/dataset_converters/make_toy_vis.py data/toy
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/toy/youtube_vis_2019 --version 2019
# Pipelines, samplers and loaders are mmdet's YouTube-VIS ones.
_base_ = 'mmdet::_base_/datasets/youtube_vis.py'

data_root = 'data/toy/youtube_vis_2019/'
metainfo = dict(classes=('disc', 'square', 'triangle'))

train_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        dataset_version='2019',
        metainfo=metainfo,
        ann_file='annotations/youtube_vis_2019_train.json'))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        dataset_version='2019',
        metainfo=metainfo,
        ann_file='annotations/youtube_vis_2019_valid.json'))
test_dataloader = val_dataloader

# the toy valid split is annotated, so it is scored locally
val_evaluator = dict(
    type='YouTubeVISMetric',
    metric_items=['mAP', 'mAP_50', 'mAP_75', 'AR@1', 'AR@10'])
test_evaluator = val_evaluator
