import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.evaluator import Evaluator
from mmengine.registry import DefaultScope
from PIL import Image

from mmpr.datasets.davis_uvos_dataset import davis_palette
from mmpr.evaluation import DAVISUVOSMetric
from mmpr.registry import DATASETS, METRICS
from mmpr.structures import InstanceSequences, encode_masks


@pytest.fixture(scope='module')
def val_videos(toy_root, repo_root):
    """Packed samples of every toy DAVIS val sequence (the config's test
    loader), and the sequences' annotation folder."""
    config = osp.join(repo_root, 'configs', '_base_', 'datasets',
                      'davis_uvos.py')
    cfg = Config.fromfile(config)
    dataset_cfg = cfg.test_dataloader.dataset
    dataset_cfg.data_root = osp.join(toy_root, 'DAVIS')
    with DefaultScope.overwrite_default_scope('mmpr'):
        dataset = DATASETS.build(dataset_cfg)
        evaluator = METRICS.build(cfg.test_evaluator)
    assert isinstance(evaluator, DAVISUVOSMetric)
    videos = [dataset[i]['data_samples'] for i in range(len(dataset))]
    ann_dir = osp.join(toy_root, 'DAVIS', 'Annotations_unsupervised', '480p')
    return videos, ann_dir


def score_of(instance_id):
    """Object k of a sequence gets score 1 - k / 10: ranks follow k."""
    return 1 - (instance_id % 1000) / 10


def with_predictions(video, shift=0, extra=None):
    """The ground truth as ``pred_sequences`` (the model contract), one
    sequence per object, each mask rolled right by ``shift`` pixels;
    ``extra`` (a score) adds a sequence covering every frame."""
    video = video.clone()
    ids = sorted(
        {int(i)
         for frame in video
         for i in frame.gt_instances.instances_ids})
    masks = [[None] * len(video) for _ in ids]
    for t, frame in enumerate(video):
        gt = frame.gt_instances
        rolled = np.roll(gt.masks.to_ndarray(), shift, axis=2)
        rles = encode_masks(torch.from_numpy(rolled.astype(bool)))
        for idx, rle in zip(gt.instances_ids.tolist(), rles):
            masks[ids.index(idx)][t] = rle
    scores = [score_of(idx) for idx in ids]
    if extra is not None:
        full = torch.ones(len(video), *video[0].ori_shape, dtype=torch.bool)
        masks.append(encode_masks(full))
        scores.append(extra)
    video.pred_sequences = InstanceSequences(masks,
                                             np.float32(scores)[:, None],
                                             video[0].ori_shape, len(video))
    return video


def without_predictions(video):
    video = video.clone()
    video.pred_sequences = InstanceSequences([], np.zeros((0, 1)),
                                             video[0].ori_shape, len(video))
    return video


def run(metric, videos):
    evaluator = Evaluator(metric)
    for video in videos:
        evaluator.process(data_samples=[video], data_batch=None)
    return evaluator.evaluate(len(videos))


def read_png(path):
    with Image.open(path) as image:
        return image.mode, np.array(image), image.getpalette()


def test_ground_truth_scores_one_twice(val_videos, tmp_path):
    videos, ann_dir = val_videos
    metric = DAVISUVOSMetric(outfile_prefix=str(tmp_path))
    predictions = [with_predictions(video) for video in videos]
    for _ in range(2):
        assert run(metric, predictions) == {
            'davis_uvos/J&F': 1.0,
            'davis_uvos/J': 1.0,
            'davis_uvos/F': 1.0
        }
    names = sorted(video[0].video_name for video in videos)
    assert sorted(os.listdir(tmp_path)) == names
    palette = davis_palette().flatten().tolist()
    for name in names:
        assert sorted(os.listdir(tmp_path / name)) == sorted(
            os.listdir(osp.join(ann_dir, name)))
        for file in os.listdir(tmp_path / name):
            mode, labels, written_palette = read_png(tmp_path / name / file)
            _, expected, _ = read_png(osp.join(ann_dir, name, file))
            assert mode == 'P' and written_palette == palette
            # object k has the k-th highest score, so it is labelled k again
            np.testing.assert_array_equal(labels, expected)


def test_higher_score_wins_overlaps(val_videos, tmp_path):
    videos, ann_dir = val_videos
    # a lowest-score sequence over the whole frame
    predictions = [with_predictions(video, extra=0.01) for video in videos]
    scores = run(DAVISUVOSMetric(outfile_prefix=str(tmp_path)), predictions)
    assert scores['davis_uvos/J&F'] == 1.0  # false positives cost nothing
    video = predictions[0]
    name = video[0].video_name
    stem = osp.splitext(osp.basename(video[0].file_name))[0]
    _, labels, _ = read_png(tmp_path / name / f'{stem}.png')
    _, expected, _ = read_png(osp.join(ann_dir, name, f'{stem}.png'))
    num_objects = len(video[0].gt_instances)
    np.testing.assert_array_equal(
        labels, np.where(expected > 0, expected, num_objects + 1))
    # now the same sequence scores highest: it hides every object
    predictions = [with_predictions(video, extra=2.0) for video in videos]
    run(DAVISUVOSMetric(outfile_prefix=str(tmp_path)), predictions)
    _, labels, _ = read_png(tmp_path / name / f'{stem}.png')
    assert np.unique(labels).tolist() == [1]
    # only the top max_objects sequences are kept
    predictions = [with_predictions(video) for video in videos]
    run(
        DAVISUVOSMetric(outfile_prefix=str(tmp_path), max_objects=1),
        predictions)
    _, labels, _ = read_png(tmp_path / name / f'{stem}.png')
    np.testing.assert_array_equal(labels, expected == 1)


def test_shifted_prediction_scores_below_one(val_videos):
    videos, _ = val_videos
    scores = run(DAVISUVOSMetric(),
                 [with_predictions(video, shift=1) for video in videos])
    assert 0.5 < scores['davis_uvos/J'] < 1
    assert 0.5 < scores['davis_uvos/J&F'] < 1


def test_zero_predictions(val_videos):
    videos, _ = val_videos
    scores = run(DAVISUVOSMetric(),
                 [without_predictions(video) for video in videos])
    # an object matched to no prediction scores 0 where it is visible, and
    # 1 (both empty) on frames where it is absent, as in the benchmark
    absent = []
    for video in videos:
        present = {}
        for frame in video:
            for idx in frame.gt_instances.instances_ids.tolist():
                present[idx] = present.get(idx, 0) + 1
        absent += [1 - count / len(video) for count in present.values()]
    expected = pytest.approx(np.mean(absent))
    assert scores == {
        'davis_uvos/J&F': expected,
        'davis_uvos/J': expected,
        'davis_uvos/F': expected
    }
    # the toy objects are visible on most frames, so missing them scores low
    assert scores['davis_uvos/J'] < 0.5


def test_format_only(val_videos, tmp_path):
    videos, ann_dir = val_videos
    metric = DAVISUVOSMetric(format_only=True, outfile_prefix=str(tmp_path))
    assert run(metric, [without_predictions(video) for video in videos]) == {}
    name = videos[0][0].video_name
    assert len(os.listdir(tmp_path / name)) == len(videos[0])
    _, labels, _ = read_png(tmp_path / name / os.listdir(tmp_path / name)[0])
    assert not labels.any()


def test_errors(val_videos):
    videos, _ = val_videos
    with pytest.raises(ValueError, match='give DAVISUVOSMetric an outfile'):
        DAVISUVOSMetric(format_only=True)
    with pytest.raises(ValueError, match='max_objects must be in'):
        DAVISUVOSMetric(max_objects=0)
    unannotated = without_predictions(videos[0])
    for frame in unannotated:
        frame.set_metainfo(dict(instances=[]))
    with pytest.raises(ValueError, match='no annotated object'):
        run(DAVISUVOSMetric(), [unannotated])
