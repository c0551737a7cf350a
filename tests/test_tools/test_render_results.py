import json
import os
import os.path as osp
import sys

import mmcv
import numpy as np
import pytest
from pycocotools import mask as mask_utils


@pytest.fixture
def toy_valid(toy_root):
    """The toy valid split: (json path, image folder, its content)."""
    vis_root = osp.join(toy_root, 'youtube_vis_2019')
    ann_file = osp.join(vis_root, 'valid.json')
    with open(ann_file) as f:
        ann = json.load(f)
    return ann_file, osp.join(vis_root, 'valid', 'JPEGImages'), ann


def render(load_tool, monkeypatch, *args):
    tool = load_tool('analysis_tools/render_results.py')
    monkeypatch.setattr(sys, 'argv', ['render_results.py', *args])
    tool.main()


def test_renders_one_mp4_per_video(load_tool, monkeypatch, toy_valid,
                                   gt_records, tmp_path):
    ann_file, img_dir, ann = toy_valid
    results = tmp_path / 'results.json'
    results.write_text(json.dumps(gt_records(ann)))
    out_dir = tmp_path / 'render'
    render(load_tool, monkeypatch, str(results), ann_file, img_dir,
           '--out-dir', str(out_dir))
    videos = ann['videos']
    names = [osp.dirname(v['file_names'][0]) + '.mp4' for v in videos]
    assert sorted(os.listdir(out_dir)) == sorted(names)
    for video, name in zip(videos, names):
        drawn = list(mmcv.VideoReader(str(out_dir / name)))
        assert len(drawn) == video['length']
        # the first instance's mask is coloured on its first frame
        gt = next(a for a in ann['annotations']
                  if a['video_id'] == video['id'])
        t = next(t for t, r in enumerate(gt['segmentations']) if r)
        rle = mask_utils.frPyObjects(gt['segmentations'][t],
                                     *gt['segmentations'][t]['size'])
        mask = mask_utils.decode(rle).astype(bool)
        original = mmcv.imread(osp.join(img_dir, video['file_names'][t]))
        change = np.abs(drawn[t].astype(int) - original)
        assert change[mask].mean() > 3 * change[~mask].mean()


def test_selects_videos_and_reports_bad_input(load_tool, monkeypatch,
                                              gt_records, toy_valid, tmp_path):
    ann_file, img_dir, ann = toy_valid
    records = gt_records(ann)
    results = tmp_path / 'results.json'
    results.write_text(json.dumps(records))
    video = ann['videos'][1]
    out_dir = tmp_path / 'one'
    render(load_tool, monkeypatch, str(results),
           ann_file, img_dir, '--out-dir', str(out_dir), '--video-ids',
           str(video['id']), '--score-thr',
           '0.95')  # nothing drawn, the frames still written
    name = osp.dirname(video['file_names'][0]) + '.mp4'
    assert os.listdir(out_dir) == [name]
    assert len(list(mmcv.VideoReader(str(out_dir / name)))) == \
        video['length']

    def fails(match, *args):
        with pytest.raises(SystemExit, match=match):
            render(load_tool, monkeypatch, *args, '--out-dir',
                   str(tmp_path / 'x'))

    fails(r'video ids \[999\] are not in', str(results), ann_file, img_dir,
          '--video-ids', '999')
    fails('10 frames of .* do not exist: 00000.jpg, 00005.jpg', str(results),
          ann_file, str(tmp_path))
    fails('annotation file .* does not exist', str(results),
          str(tmp_path / 'nope.json'), img_dir)
    records[0]['segmentations'] = records[0]['segmentations'][:2]
    results.write_text(json.dumps(records))
    fails('has 2 segmentations', str(results), ann_file, img_dir)
    results.write_text(json.dumps({'annotations': []}))
    fails('must be a list of records', str(results), ann_file, img_dir)
    assert not osp.exists(tmp_path / 'x')
