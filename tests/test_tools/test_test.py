"""tools/test.py stops on bad input with a one-line error, before testing."""
import os
import os.path as osp
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
import torch

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
MASKTRACK_CONFIG = 'configs/toy/masktrack-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'


@pytest.fixture
def test_tool(run_tool, repo_root, toy_root, tmp_path):
    """Run tools/test.py in tmp_path on the toy set."""

    def run(config, checkpoint, *args, toy_data=toy_root):
        return run_tool(
            'test.py',
            osp.join(repo_root, config),
            checkpoint,
            '--work-dir',
            str(tmp_path / 'work'),
            *args,
            cwd=str(tmp_path),
            MMPR_TOY_DATA=str(toy_data))

    return run


def test_not_a_checkpoint(test_tool, assert_one_line_error, tmp_path):
    bad = tmp_path / 'results.json'
    bad.write_text('[]')
    assert_one_line_error(
        test_tool(TOY_CONFIG, str(bad)),
        f'error: checkpoint {bad} is not a PyTorch checkpoint '
        '(UnpicklingError', 'pass a .pth written by tools/train.py')


def test_checkpoint_of_another_model(test_tool, assert_one_line_error,
                                     toy_checkpoints, repo_root):
    assert_one_line_error(
        test_tool(MASKTRACK_CONFIG, toy_checkpoints['seq']),
        f'error: checkpoint {toy_checkpoints["seq"]} is of another model: '
        f'0 of the 166 weights of config {repo_root}/{MASKTRACK_CONFIG} '
        'match it by name and shape (it holds e.g. backbone.conv1.weight)')


def test_dataset_type_typo(test_tool, assert_one_line_error, toy_checkpoints):
    assert_one_line_error(
        test_tool(TOY_CONFIG, toy_checkpoints['seq'], '--cfg-options',
                  'test_dataloader.dataset.type=YouTubeVlSDataset'),
        'error: YouTubeVlSDataset is not a registered dataset type',
        'did you mean YouTubeVISDataset')


def test_missing_toy_data(test_tool, assert_one_line_error, toy_checkpoints,
                          tmp_path):
    empty = tmp_path / 'empty'
    assert_one_line_error(
        test_tool(TOY_CONFIG, toy_checkpoints['seq'], toy_data=empty),
        f'error: test_dataloader: the annotation file {empty}/youtube_vis_'
        '2019/annotations/youtube_vis_2019_valid.json does not exist; make '
        'the toy data with `python tools/dataset_converters/make_toy_vis.py '
        f'{empty} && python tools/dataset_converters/youtubevis2coco.py -i '
        f'{empty}/youtube_vis_2019 --version 2019`')


@pytest.mark.parametrize('option', ['--out', '--work-dir'])
def test_output_in_a_files_way(test_tool, assert_one_line_error,
                               toy_checkpoints, tmp_path, option):
    (tmp_path / 'file').write_text('')
    out = str(tmp_path / 'file' / 'results.json')
    assert_one_line_error(
        test_tool(TOY_CONFIG, toy_checkpoints['seq'], option, out),
        f'error: cannot write {option} {out}: cannot create the folder',
        '(a file is in the way)')


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU only')
def test_amp_on_the_cpu_for_a_peer_model(test_tool, assert_one_line_error,
                                         toy_checkpoints):
    assert_one_line_error(
        test_tool(MASKTRACK_CONFIG, toy_checkpoints['masktrack'],
                  '--amp'), 'error: --amp on the CPU runs mmpr models only',
        'no bf16 CPU kernels: drop --amp.')


def tools_test_command(repo_root, checkpoint, work_dir, *args) -> list:
    """tools/test.py of the toy config on the toy set (every detection)."""
    return [
        sys.executable,
        osp.join(repo_root, 'tools', 'test.py'),
        osp.join(repo_root, TOY_CONFIG),
        checkpoint,
        '--work-dir',
        str(work_dir),
        *args,
        '--cfg-options',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        'model.test_cfg.rcnn.score_thr=0.0',
        # small: 2 key frames, 3 detections each
        'model.propagator.num_key_frames=2',
        'model.test_cfg.rcnn.max_per_img=3'
    ]


def metric_line(log: str) -> str:
    return re.search(r'youtube_vis/segm_mAP: .*AR@10: [0-9.]+', log).group()


@pytest.mark.slow  # three toy test runs, one killed
def test_a_killed_run_resumes_to_the_same_results(repo_root, toy_root,
                                                  toy_checkpoints, tmp_path):
    """SIGKILL after the first of the two videos, then --resume: the same
    results.json (byte for byte) and metrics as an uninterrupted run."""
    env = dict(os.environ, MMPR_TOY_DATA=toy_root)
    full = subprocess.run(
        tools_test_command(repo_root, toy_checkpoints['seq'],
                           tmp_path / 'full', '--out',
                           str(tmp_path / 'full.json')),
        capture_output=True,
        text=True,
        env=env)
    assert full.returncode == 0, full.stderr[-3000:]

    work = tmp_path / 'killed'
    kept = work / 'video_results' / 'rank0.jsonl'
    run = subprocess.Popen(
        tools_test_command(repo_root, toy_checkpoints['seq'], work, '--out',
                           str(tmp_path / 'resumed.json')),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env)
    while run.poll() is None and not (kept.is_file()
                                      and kept.read_text().count('\n')):
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    assert run.wait() == -signal.SIGKILL  # killed before the end
    assert kept.read_text().count('\n') == 1  # one video done
    assert not (tmp_path / 'resumed.json').exists()

    resumed = subprocess.run(
        tools_test_command(repo_root, toy_checkpoints['seq'], work, '--out',
                           str(tmp_path / 'resumed.json'), '--resume'),
        capture_output=True,
        text=True,
        env=env)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    log = resumed.stdout + resumed.stderr
    assert 'resuming: 1 videos done' in log
    assert (tmp_path /
            'resumed.json').read_bytes() == (tmp_path /
                                             'full.json').read_bytes()
    assert metric_line(log) == metric_line(full.stdout + full.stderr)
    assert kept.read_text().count('\n') == 2


@pytest.fixture
def toy_with_an_empty_frame(toy_root, tmp_path) -> str:
    """The toy set with a zero-byte frame in its last valid video."""
    root = tmp_path / 'toy'
    shutil.copytree(toy_root, root)
    videos = root / 'youtube_vis_2019' / 'valid' / 'JPEGImages'
    frame = sorted(sorted(videos.iterdir())[-1].iterdir())[2]
    frame.write_bytes(b'')
    return str(root)


def test_a_failed_video_is_one_line_or_skipped(repo_root, toy_checkpoints,
                                               toy_with_an_empty_frame,
                                               assert_one_line_error,
                                               tmp_path):
    env = dict(os.environ, MMPR_TOY_DATA=toy_with_an_empty_frame)
    command = tools_test_command(repo_root, toy_checkpoints['seq'],
                                 tmp_path / 'work')
    stopped = subprocess.run(command, capture_output=True, text=True, env=env)
    line = assert_one_line_error(stopped, 'failed (error: OpenCV',
                                 '--skip-failed leaves it out')
    name = re.search(r'error: (video \d+ \(\w+\)) failed', line).group(1)
    skipped = subprocess.run(
        tools_test_command(repo_root, toy_checkpoints['seq'],
                           tmp_path / 'work', '--skip-failed'),
        capture_output=True,
        text=True,
        env=env)
    assert skipped.returncode == 0, skipped.stderr[-3000:]
    log = skipped.stdout + skipped.stderr
    assert f'{name} failed (error: OpenCV' in log
    assert f'1 videos skipped, not in the metrics: {name}' in log
    assert 'youtube_vis/segm_mAP' in log


@pytest.mark.parametrize(
    'option, fragments',
    [('model.propagator.num_key_frames=abc',
      ("MemoryKPropagator: num_key_frames='abc' (str); it takes int >= 0", )),
     ('model.reducer.iou_thr=[1]',
      ('SequenceNMS: iou_thr=[1] (list); it takes float >= 0', )),
     ('test_evaluator.ann_file=x.json',
      ("YouTubeVISMetric takes no argument 'ann_file'; it takes record_mode",
       'outfile_prefix', 'format_only'))],
    ids=['type', 'list', 'unexpected'])
def test_config_values_are_one_line_errors(test_tool, assert_one_line_error,
                                           toy_checkpoints, option, fragments):
    assert_one_line_error(
        test_tool(TOY_CONFIG, toy_checkpoints['seq'], '--cfg-options', option),
        *fragments)


def test_child_config_of_another_type_is_one_line(test_tool,
                                                  assert_one_line_error,
                                                  toy_checkpoints, repo_root,
                                                  tmp_path):
    child = tmp_path / 'child.py'
    child.write_text(f"_base_ = '{osp.join(repo_root, TOY_CONFIG)}'\n"
                     'model = dict(propagator=dict(num_key_frames=dict(a=1)))'
                     '\n')
    assert_one_line_error(
        test_tool(str(child), toy_checkpoints['seq']),
        f'error: cannot read config {child}: TypeError:',
        'cannot inherit from base')


def test_resume_is_for_mmpr_models(test_tool, assert_one_line_error,
                                   toy_checkpoints):
    assert_one_line_error(
        test_tool(MASKTRACK_CONFIG, toy_checkpoints['masktrack'], '--resume'),
        'error: --resume keeps the results of mmpr '
        'models (Seq Mask R-CNN)')


def test_resume_refuses_results_of_another_run(test_tool,
                                               assert_one_line_error,
                                               toy_checkpoints, tmp_path):
    results = tmp_path / 'work' / 'video_results'
    results.mkdir(parents=True)
    (results / 'run.json').write_text(
        '{"checkpoint": "/elsewhere/other.pth", "model": "0", "fp16": false}')
    assert_one_line_error(
        test_tool(TOY_CONFIG, toy_checkpoints['seq'], '--resume'),
        'video_results holds results of another run (checkpoint '
        '/elsewhere/other.pth', 'pass another --work-dir')
