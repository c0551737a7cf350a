import json
import os.path as osp
import shutil
import sys

import pytest


@pytest.fixture
def splitter(load_tool):
    return load_tool('dataset_converters/split_youtube_vis.py')


@pytest.fixture
def train_json(toy_root):
    return osp.join(toy_root, 'youtube_vis_2019', 'train.json')


def run_main(tool, monkeypatch, *args: str) -> None:
    monkeypatch.setattr(sys, 'argv', ['tool.py', *args])
    tool.main()


def load(path):
    with open(path) as f:
        return json.load(f)


def split(splitter, monkeypatch, source, out, *args):
    run_main(splitter, monkeypatch, str(source), '-o', str(out), *args)
    return load(out / 'train.json'), load(out / 'valid.json')


def video_ids(part):
    return [video['id'] for video in part['videos']]


def test_split_by_video(splitter, train_json, tmp_path, monkeypatch, capsys):
    data = load(train_json)
    train, valid = split(splitter, monkeypatch, train_json, tmp_path,
                         '--valid-videos', '2')
    assert len(valid['videos']) == 2
    assert not set(video_ids(train)) & set(video_ids(valid))
    assert sorted(video_ids(train) + video_ids(valid)) == sorted(
        video_ids(data))
    for part in (train, valid):
        for key in ('info', 'licenses', 'categories'):
            assert part[key] == data[key]
        ids = set(video_ids(part))
        assert part['annotations'] == [
            ann for ann in data['annotations'] if ann['video_id'] in ids
        ]
        assert part['videos'] == [
            video for video in data['videos'] if video['id'] in ids
        ]
    out = capsys.readouterr().out
    assert f'youtubevis2coco.py -i {tmp_path} --version 2019' in out
    assert osp.join(osp.dirname(train_json), 'train', 'JPEGImages') in out


def test_deterministic_for_a_seed(splitter, train_json, tmp_path, monkeypatch):
    splits = [
        split(splitter, monkeypatch, train_json, tmp_path / name, '--seed',
              seed) for name, seed in (('a', '0'), ('b', '0'))
    ]
    assert splits[0] == splits[1]
    # 10 % of 4 videos rounds to 0: at least one is held out
    assert len(splits[0][1]['videos']) == 1
    valid_sets = set()
    for seed in range(8):
        _, valid = split(splitter, monkeypatch, train_json,
                         tmp_path / f's{seed}', '--seed', str(seed))
        valid_sets.add(tuple(video_ids(valid)))
    assert len(valid_sets) > 1  # the seed matters


def test_outputs_convert(splitter, load_tool, train_json, tmp_path,
                         monkeypatch):
    train, valid = split(splitter, monkeypatch, train_json, tmp_path,
                         '--valid-fraction', '0.5')
    converter = load_tool('dataset_converters/youtubevis2coco.py')
    run_main(converter, monkeypatch, '-i', str(tmp_path), '--version', '2019')
    for name, part in (('train', train), ('valid', valid)):
        converted = load(tmp_path / 'annotations' /
                         f'youtube_vis_2019_{name}.json')
        assert sorted(video['id']
                      for video in converted['videos']) == video_ids(part)
        present = sum(box is not None for ann in part['annotations']
                      for box in ann['bboxes'])
        assert len(converted['annotations']) == present > 0


def test_2021_layout(splitter, train_json, tmp_path, monkeypatch):
    source = tmp_path / 'in' / 'train' / 'instances.json'
    source.parent.mkdir(parents=True)
    shutil.copy(train_json, source)
    run_main(splitter, monkeypatch, str(source), '-o', str(tmp_path / 'out'))
    for name in ('train', 'valid'):
        assert (tmp_path / 'out' / name / 'instances.json').is_file()


def test_errors(splitter, train_json, tmp_path, monkeypatch):
    data = load(train_json)

    def fails(match, source, *args):
        with pytest.raises(SystemExit, match=match):
            run_main(splitter, monkeypatch, str(source), '-o',
                     str(tmp_path / 'out'), *args)

    fails('does not exist', tmp_path / 'nope.json')
    bad = tmp_path / 'bad.json'
    bad.write_text('{"videos": [')
    fails('is not valid json', bad)
    bad.write_text('{"images": []}')
    fails('not a YouTube-VIS annotation file', bad)
    bad.write_text(json.dumps(dict(data, annotations=[])))
    fails('has no annotations', bad)
    bad.write_text(json.dumps(dict(data, videos=data['videos'][:1])))
    fails('needs at least 2', bad)
    fails(r'--valid-fraction must be in \(0, 1\)', train_json,
          '--valid-fraction', '1')
    fails(r'--valid-videos must be in \[1, 3\]', train_json, '--valid-videos',
          '0')
    # outputs are never overwritten without --force, nor is the input
    run_main(splitter, monkeypatch, train_json, '-o', str(tmp_path / 'out'))
    before = (tmp_path / 'out' / 'valid.json').read_text()
    fails('exists; pass --force', train_json, '--seed', '3')
    assert (tmp_path / 'out' / 'valid.json').read_text() == before
    with pytest.raises(SystemExit, match='is the input json'):
        run_main(splitter, monkeypatch, train_json, '-o',
                 osp.dirname(train_json), '--force')
    run_main(splitter, monkeypatch, train_json, '-o', str(tmp_path / 'out'),
             '--force', '--seed', '3')
