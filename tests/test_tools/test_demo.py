import json
import os
import os.path as osp
import subprocess
import sys

import cv2
import mmcv
import numpy as np
import pytest

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
# an untrained (seeded) model proposes sequences once every detection is kept
SMALL_RUN = ('model.test_cfg.rcnn.score_thr=0', 'model.test_cfg.rcnn.'
             'max_per_img=2')
NUM_FRAMES = 8


@pytest.fixture(scope='module')
def video(toy_video):
    return toy_video.mp4, toy_video.folder


def run_demo(load_tool, monkeypatch, *args):
    demo = load_tool('demo.py')
    monkeypatch.setattr(sys, 'argv', ['demo.py', *args])
    demo.main()


def test_mp4_in_h264_mp4_and_json_out(repo_root, video, toy_checkpoints,
                                      tmp_path):
    out, out_json = str(tmp_path / 'out.mp4'), str(tmp_path / 'results.json')
    demo = osp.join(repo_root, 'tools', 'demo.py')
    config = osp.join(repo_root, TOY_CONFIG)
    command = [
        sys.executable, demo, video[0], config, '--checkpoint',
        toy_checkpoints['seq'], '--out', out, '--out-json', out_json,
        '--key-frames', '1', '--mem-step', '1', '--score-thr', '0',
        '--video-id', '3', '--cfg-options', *SMALL_RUN
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f'{NUM_FRAMES} frames' in done.stdout
    reader = mmcv.VideoReader(out)
    assert reader.fps == 5
    assert (reader.height, reader.width) == (112, 192)
    assert len(list(reader)) == NUM_FRAMES
    fourcc = int(cv2.VideoCapture(out).get(cv2.CAP_PROP_FOURCC))
    # H.264, which browsers play (mp4v would read b'mp4v')
    assert fourcc.to_bytes(4, 'little') in (b'avc1', b'h264')
    with open(out_json) as f:
        records = json.load(f)
    assert records
    for record in records:
        assert record['video_id'] == 3
        assert record['category_id'] in (1, 2, 3)
        assert 0 <= record['score'] <= 1
        assert len(record['segmentations']) == NUM_FRAMES
    assert sorted(os.listdir(tmp_path)) == ['out.mp4', 'results.json']


def test_frame_folder_in_frame_folder_out(load_tool, monkeypatch, video,
                                          toy_checkpoints, tmp_path,
                                          repo_root):
    out = str(tmp_path / 'drawn')
    run_demo(load_tool, monkeypatch, video[1], osp.join(repo_root, TOY_CONFIG),
             '--checkpoint', toy_checkpoints['seq'], '--out', out,
             '--key-frames', '1', '--score-thr', '0', '--cfg-options',
             *SMALL_RUN)
    drawn = sorted(os.listdir(out))
    assert drawn == [f'{t:05d}.jpg' for t in range(NUM_FRAMES)]
    first = mmcv.imread(osp.join(out, drawn[0]))
    original = mmcv.imread(osp.join(video[1], '00000.png'))
    assert first.shape == original.shape
    # the key frame's detections are drawn
    assert np.abs(first.astype(int) - original).mean() > 1


def test_bad_arguments_exit_with_one_line_errors(load_tool, monkeypatch,
                                                 tmp_path, repo_root):
    config = osp.join(repo_root, TOY_CONFIG)
    missing = str(tmp_path / 'missing.mp4')
    with pytest.raises(SystemExit, match='missing.mp4 does not exist'):
        run_demo(load_tool, monkeypatch, missing, config, '--out-json',
                 str(tmp_path / 'r.json'))
    with pytest.raises(SystemExit, match='pass --out'):
        run_demo(load_tool, monkeypatch, missing, config)
    with pytest.raises(SystemExit, match='checkpoint .* does not exist'):
        run_demo(load_tool, monkeypatch, missing, config, '--checkpoint',
                 str(tmp_path / 'nope.pth'), '--out', str(tmp_path / 'o'))
    assert os.listdir(tmp_path) == []


@pytest.fixture
def demo(run_tool, repo_root, video):
    """Run tools/demo.py on the toy video with the toy config."""

    def run(*args):
        return run_tool('demo.py', video[0], osp.join(repo_root, TOY_CONFIG),
                        *args)

    return run


def test_checkpoint_that_is_no_checkpoint(demo, assert_one_line_error,
                                          tmp_path):
    bad = tmp_path / 'random.pth'
    bad.write_bytes(np.random.default_rng(0).bytes(1000))
    assert_one_line_error(
        demo('--checkpoint', str(bad), '--out-json', str(tmp_path / 'r.json')),
        f'error: checkpoint {bad} is not a PyTorch checkpoint',
        'pass a .pth written by tools/train.py')
    assert os.listdir(tmp_path) == ['random.pth']


def test_checkpoint_of_another_model(demo, assert_one_line_error,
                                     toy_checkpoints, tmp_path):
    masktrack = toy_checkpoints['masktrack']
    assert_one_line_error(
        demo('--checkpoint', masktrack, '--out', str(tmp_path / 'o.mp4')),
        f'error: checkpoint {masktrack} is of another model: 0 of the 224 '
        'weights of config', 'pass a checkpoint trained with this config')


def test_model_type_typo(demo, assert_one_line_error, tmp_path):
    assert_one_line_error(
        demo('--out-json', str(tmp_path / 'r.json'), '--cfg-options',
             'model.type=SeqMaskRCN'),
        'error: SeqMaskRCN is not a registered model type',
        'did you mean SeqMaskRCNN')


@pytest.mark.parametrize('option', ['--out', '--out-json'])
def test_output_that_cannot_be_written(demo, assert_one_line_error, tmp_path,
                                       option):
    (tmp_path / 'file').write_text('')
    out = str(tmp_path / 'file' / 'out.mp4')
    assert_one_line_error(
        demo(option, out),
        f'error: cannot write {option} {out}: cannot create the folder '
        f'{tmp_path}/file (a file is in the way)')
