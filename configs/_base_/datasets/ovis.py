# OVIS (YouTube-VIS json layout: annotations_{split}.json and
# {split}/<video>/<frame>.jpg; 25 classes), prepared with
#   python tools/dataset_converters/youtubevis2coco.py -i data/ovis \
#       --version ovis
# The YouTube-VIS 2019 data settings with the OVIS sets: the paper has no
# OVIS setting, so pairs are sampled and frames sized as for YouTube-VIS
# (train 640x320, test 640x360). The valid and test splits have no public
# annotations: tools/test.py writes the zip to submit to the OVIS server.
_base_ = './youtube_vis_2019.py'

dataset_type = 'OVISDataset'
dataset_version = 'ovis'
data_root = 'data/ovis/'

train_dataset = dict(
    type=dataset_type,
    dataset_version=dataset_version,
    data_root=data_root,
    ann_file='annotations/ovis_train.json',
    data_prefix=dict(img_path='train'))
train_dataloader = dict(dataset=train_dataset)
test_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        dataset_version=dataset_version,
        data_root=data_root,
        ann_file='annotations/ovis_valid.json',
        data_prefix=dict(img_path='valid')))
