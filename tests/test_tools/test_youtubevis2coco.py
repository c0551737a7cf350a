import json
import os.path as osp
import sys

import pytest
from mmdet.evaluation.functional import YTVIS


@pytest.fixture
def converter(load_tool):
    return load_tool('dataset_converters/youtubevis2coco.py')


def run_main(converter, monkeypatch, *args: str) -> None:
    monkeypatch.setattr(sys, 'argv', ['youtubevis2coco.py', *args])
    converter.main()


def test_annotated_valid_split_keeps_annotations(toy_root):
    vis_root = osp.join(toy_root, 'youtube_vis_2019')
    official = YTVIS(osp.join(vis_root, 'valid.json'))
    with open(
            osp.join(vis_root, 'annotations',
                     'youtube_vis_2019_valid.json')) as f:
        converted = json.load(f)
    present = sum(box is not None for track in official.anns.values()
                  for box in track['bboxes'])
    assert len(converted['annotations']) == present
    assert len({a['instance_id']
                for a in converted['annotations']}) == len(official.anns)
    assert len(converted['images']) == sum(v['length']
                                           for v in official.vids.values())


def test_unannotated_and_absent_splits(converter, toy_root, tmp_path,
                                       monkeypatch, capsys):
    with open(osp.join(toy_root, 'youtube_vis_2019', 'valid.json')) as f:
        data = json.load(f)
    del data['annotations']  # as the official valid split
    (tmp_path / 'valid.json').write_text(json.dumps(data))
    run_main(converter, monkeypatch, '-i', str(tmp_path), '--version', '2019')
    out = capsys.readouterr().out
    assert 'skip train' in out and 'skip test' in out
    with open(tmp_path / 'annotations' / 'youtube_vis_2019_valid.json') as f:
        converted = json.load(f)
    assert 'annotations' not in converted  # as mmdet writes valid/test
    assert len(converted['videos']) == len(data['videos'])


def test_bad_json_keeps_earlier_output(converter, toy_root, tmp_path,
                                       monkeypatch):
    source = osp.join(toy_root, 'youtube_vis_2019', 'train.json')
    (tmp_path / 'train.json').write_text(open(source).read())
    run_main(converter, monkeypatch, '-i', str(tmp_path), '--version', '2019')
    output = tmp_path / 'annotations' / 'youtube_vis_2019_train.json'
    before = output.read_text()

    (tmp_path / 'train.json').write_text('{"videos": [')
    with pytest.raises(SystemExit, match='train.json is not valid json'):
        run_main(converter, monkeypatch, '-i', str(tmp_path), '--version',
                 '2019')
    (tmp_path / 'train.json').write_text('{"images": []}')
    with pytest.raises(SystemExit, match='not a YouTube-VIS annotation'):
        run_main(converter, monkeypatch, '-i', str(tmp_path), '--version',
                 '2019')
    assert output.read_text() == before


def test_missing_input(converter, tmp_path, monkeypatch):
    with pytest.raises(SystemExit, match='does not exist'):
        run_main(converter, monkeypatch, '-i', str(tmp_path / 'nope'),
                 '--version', '2019')
    with pytest.raises(SystemExit, match='no split json found'):
        run_main(converter, monkeypatch, '-i', str(tmp_path), '--version',
                 '2021')


def test_2021_layout(converter, tmp_path, monkeypatch):
    from mmpr.datasets.toy_vis import make_toy_vis
    make_toy_vis(
        str(tmp_path),
        version='2021',
        overrides=dict(train_videos=2, valid_videos=1, coco_images=1))
    root = str(tmp_path / 'youtube_vis_2021')
    run_main(converter, monkeypatch, '-i', root, '--version', '2021')
    for split in ('train', 'valid'):
        assert osp.isfile(
            osp.join(root, 'annotations', f'youtube_vis_2021_{split}.json'))
