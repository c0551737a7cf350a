# YouTube-VIS 2022: the 2021 classes and train set; a valid set of 2021's
# short videos (at most 36 frames) and long ones, scored apart (the 2022
# protocol: AP/AR of the short and of the long videos). Prepared with
#   python tools/dataset_converters/youtubevis2coco.py \
#       -i data/youtube_vis_2022 --version 2022
# Overrides of the 2021 leaves' test set and metric:
#   test_dataloader = dict(dataset=_base_.youtube_vis_2022_test)
#   test_evaluator = _base_.youtube_vis_2022_evaluator
youtube_vis_2022_test = dict(
    dataset_version='2022',
    data_root='data/youtube_vis_2022/',
    ann_file='annotations/youtube_vis_2022_valid.json')
# with annotations (a split of your own), AP/AR of all videos and of the
# short (<= 36 frames) and long ones apart; the official valid split has
# none: the submission zip only
youtube_vis_2022_evaluator = dict(long_video_frames=36)
