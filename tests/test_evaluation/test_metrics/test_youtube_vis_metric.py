import json
import os.path as osp
import zipfile

import numpy as np
import pytest
import torch
from mmdet.evaluation.functional import YTVIS, YTVISeval
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope
from mmengine.structures import InstanceData

from mmpr.datasets.toy_vis import VIDEO_CLASSES
from mmpr.evaluation import YouTubeVISMetric
from mmpr.registry import DATASETS
from mmpr.structures import InstanceSequences, encode_masks, from_record

METRIC_ITEMS = ['mAP', 'mAP_50', 'mAP_75', 'AR@1', 'AR@10']


def test_ground_truth_scores_one_with_ytviseval(toy_root):
    """The official-format json, fed back as results, is a perfect score."""
    gt = YTVIS(osp.join(toy_root, 'youtube_vis_2019', 'valid.json'))
    results = [
        dict(
            video_id=track['video_id'],
            category_id=track['category_id'],
            score=1.0,
            segmentations=[from_record(s) for s in track['segmentations']])
        for track in gt.anns.values()
    ]
    evaluation = YTVISeval(gt, gt.loadRes(results), 'segm')
    evaluation.evaluate()
    evaluation.accumulate()
    evaluation.summarize()
    assert evaluation.stats[0] == pytest.approx(1.0)  # AP
    assert evaluation.stats[7] == pytest.approx(1.0)  # AR@10


@pytest.fixture(scope='module')
def valid_videos(toy_root, repo_root):
    """Packed samples of every toy valid video (test pipeline)."""
    config = osp.join(repo_root, 'configs', '_base_', 'datasets', 'toy_vis.py')
    dataset_cfg = Config.fromfile(config).val_dataloader.dataset
    dataset_cfg.data_root = osp.join(toy_root, 'youtube_vis_2019')
    with DefaultScope.overwrite_default_scope('mmpr'):
        dataset = DATASETS.build(dataset_cfg)
    return dataset, [dataset[i]['data_samples'] for i in range(len(dataset))]


def with_predictions(video, perfect: bool):
    """Copy ground truth into ``pred_track_instances`` (or predict none)."""
    video = video.clone()
    for frame in video:
        gt = frame.gt_instances
        keep = slice(None) if perfect else slice(0, 0)
        frame.pred_track_instances = InstanceData(
            bboxes=gt.bboxes[keep],
            labels=gt.labels[keep],
            scores=torch.ones(len(gt))[keep],
            instances_id=gt.instances_ids[keep],
            masks=gt.masks.to_tensor(torch.bool, 'cpu')[keep])
    return video


def run_metric(evaluator, dataset, videos, perfect):
    for video in videos:
        evaluator.process(
            data_samples=[with_predictions(video, perfect)], data_batch=None)
    return evaluator.evaluate(len(dataset))


def test_metric_perfect_twice_then_empty(valid_videos):
    dataset, videos = valid_videos
    metric = YouTubeVISMetric(metric_items=METRIC_ITEMS)
    evaluator = Evaluator(metric)
    evaluator.dataset_meta = dataset.metainfo
    assert dataset.metainfo['classes'] == VIDEO_CLASSES
    # a second evaluate() on the same metric failed in mmdet 3.3
    for _ in range(2):
        scores = run_metric(evaluator, dataset, videos, perfect=True)
        assert scores == {
            f'youtube_vis/segm_{item}': 1.0
            for item in METRIC_ITEMS
        }
    scores = run_metric(evaluator, dataset, videos, perfect=False)
    assert scores == {f'youtube_vis/segm_{item}': 0.0 for item in METRIC_ITEMS}


def test_format_only_writes_submission(valid_videos, tmp_path):
    dataset, videos = valid_videos
    prefix = str(tmp_path / 'results')
    evaluator = Evaluator(
        YouTubeVISMetric(format_only=True, outfile_prefix=prefix))
    evaluator.dataset_meta = dataset.metainfo
    assert run_metric(evaluator, dataset, videos, perfect=True) == {}
    with zipfile.ZipFile(f'{prefix}.submission_file.zip') as archive:
        records = json.loads(archive.read('results.json'))
    assert {'video_id', 'category_id', 'score',
            'segmentations'} <= set(records[0])


def as_sequences(video, num_classes=3, class_scores=None):
    """Ground truth as SeqMaskRCNN's output: ``pred_sequences``, one per
    instance id, with one-hot (or given) class scores."""
    video = video.clone()
    ids = sorted(
        {int(i)
         for frame in video
         for i in frame.gt_instances.instances_ids})
    masks = [[None] * len(video) for _ in ids]
    labels = [0] * len(ids)
    for t, frame in enumerate(video):
        gt = frame.gt_instances
        rles = encode_masks(gt.masks.to_tensor(torch.bool, 'cpu'))
        for i, label, rle in zip(gt.instances_ids.tolist(), gt.labels.tolist(),
                                 rles):
            masks[ids.index(i)][t] = rle
            labels[ids.index(i)] = label
    scores = np.eye(num_classes, dtype=np.float32)[labels]
    if class_scores is not None:
        scores = np.tile(np.float32(class_scores), (len(ids), 1))
    video.pred_sequences = InstanceSequences(masks,
                                             scores, video[0].ori_shape[:2],
                                             len(video))
    return video


def test_sequences_score_one_and_absent_frames_are_null(
        valid_videos, tmp_path):
    dataset, videos = valid_videos
    prefix = str(tmp_path / 'results')
    evaluator = Evaluator(YouTubeVISMetric(outfile_prefix=prefix))
    evaluator.dataset_meta = dataset.metainfo
    for video in videos:
        evaluator.process(data_samples=[as_sequences(video)], data_batch=None)
    scores = evaluator.evaluate(len(dataset))
    assert scores == {f'youtube_vis/segm_{item}': 1.0 for item in METRIC_ITEMS}
    with open(f'{prefix}.json') as f:
        records = json.load(f)
    official = YTVIS(osp.join(dataset.data_root, 'valid.json'))
    assert len(records) == len(official.anns)
    # every official null (absent frame) is a null in the results too
    by_video_category = {}
    for record in records:
        nulls = [s is None for s in record['segmentations']]
        by_video_category.setdefault(
            (record['video_id'], record['category_id']), []).append(nulls)
    for track in official.anns.values():
        nulls = [s is None for s in track['segmentations']]
        assert nulls in by_video_category[(track['video_id'],
                                           track['category_id'])]
    assert any(any(n) for nulls in by_video_category.values() for n in nulls)
    with zipfile.ZipFile(f'{prefix}.submission_file.zip') as archive:
        assert json.loads(archive.read('results.json')) == records


@pytest.mark.parametrize('mode, threshold, categories', [
    ('category', 0.05, [1, 2]),
    ('category', 0.001, [1, 2, 3]),
    ('sequence', 0.05, [1]),
])
def test_records_per_category_or_sequence(valid_videos, mode, threshold,
                                          categories):
    dataset, videos = valid_videos
    metric = YouTubeVISMetric(
        record_mode=mode, category_score_thr=threshold, format_only=True)
    metric.dataset_meta = dataset.metainfo
    video = as_sequences(videos[0], class_scores=[0.6, 0.3, 0.01])
    metric.process(None, [video.to_dict()])
    records, _ = metric.results[0]
    assert len(records) == len(video.pred_sequences) * len(categories)
    assert sorted({r['category_id'] for r in records}) == categories


def test_youtube_vis_2022_scores_short_and_long_videos_apart(
        toy_layout_root, repo_root):
    """The 2022 leaf's test set and metric on the toy 2022 layout (its last
    valid video is long): ground truth predicted on the short videos only
    scores 1 there and 0 on the long one."""
    cfg = Config.fromfile(
        osp.join(repo_root, 'configs', 'seq_mask_rcnn',
                 'seq-mask-rcnn_r50_fpn_4xb5-ft-5e_youtubevis2022.py'))
    cfg.test_dataloader.dataset.data_root = osp.join(
        toy_layout_root('2022'), 'youtube_vis_2022')
    with DefaultScope.overwrite_default_scope('mmpr'):
        dataset = DATASETS.build(cfg.test_dataloader.dataset)
        evaluator = Evaluator(
            dict(
                cfg.test_evaluator,
                format_only=False,
                metric_items=METRIC_ITEMS))
    evaluator.dataset_meta = dataset.metainfo
    lengths = []
    for index in range(len(dataset)):
        video = dataset[index]['data_samples']
        lengths.append(len(video))
        short = len(video) <= cfg.test_evaluator.long_video_frames
        evaluator.process(
            data_samples=[with_predictions(video, perfect=short)],
            data_batch=None)
    assert max(lengths) > 36 >= min(lengths)  # one long video, short ones
    scores = evaluator.evaluate(len(dataset))
    for item in METRIC_ITEMS:
        assert scores[f'youtube_vis/short_videos/segm_{item}'] == 1.0
        assert scores[f'youtube_vis/long_videos/segm_{item}'] == 0.0
    assert 0 < scores['youtube_vis/segm_mAP'] < 1
