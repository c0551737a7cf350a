# YouTube-VIS 2021 (2021 layout: {split}/instances.json), prepared with
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/youtube_vis_2021 --version 2021
# Overrides of the 2019 datasets (youtube_vis_2019.py) for the 2021 leaves:
#   train: dict(_base_.train_dataset, **_base_.youtube_vis_2021_train)
#   test:  test_dataloader = dict(dataset=_base_.youtube_vis_2021_test)
youtube_vis_2021_train = dict(
    dataset_version='2021',
    data_root='data/youtube_vis_2021/',
    ann_file='annotations/youtube_vis_2021_train.json')
youtube_vis_2021_test = dict(
    dataset_version='2021',
    data_root='data/youtube_vis_2021/',
    ann_file='annotations/youtube_vis_2021_valid.json')
