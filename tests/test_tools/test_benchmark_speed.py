import json
import os.path as osp
import re
import subprocess
import sys

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'


def test_speed_benchmark_on_a_tiny_video(repo_root, tmp_path):
    out = str(tmp_path / 'speed.json')
    result = subprocess.run([
        sys.executable,
        osp.join(repo_root, 'tools', 'analysis_tools', 'benchmark_speed.py'),
        osp.join(repo_root, TOY_CONFIG), '--size', '160', '96', '--frames',
        '4', '--key-frames', '2', '--num-instances', '2', '--warmup', '0',
        '--straightforward', '--json', out
    ],
                            capture_output=True,
                            text=True,
                            cwd=repo_root)
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout
    ratio = re.search(
        r'mmpr / MaskTrack R-CNN time per frame, fp32: ([0-9.]+)', log)
    assert ratio and float(ratio.group(1)) > 0, log
    for stage in ('backbone+FPN', 'key-frame detection', 'propagation',
                  'classification', 'reduction'):
        assert stage in log
    assert re.search(r'default path speed-up over straightforward: [0-9.]+x',
                     log), log
    assert 'equal (tolerance 1e-4)' in log, log

    with open(out) as file:
        numbers = json.load(file)
    assert numbers['summary']['max_score_diff'] <= 1e-4
    assert numbers['summary']['min_mask_iou'] > 0.999
    for name in ('mmpr', 'straightforward', 'masktrack'):
        assert numbers[name]['fps'] > 0 and numbers[name]['peak_mb'] > 0
    assert numbers['summary']['ratio'] == (
        numbers['mmpr']['seconds'] / numbers['masktrack']['seconds'])


def test_trained_model_on_frames_mixed_and_early_reduction(
        repo_root, toy_video, toy_checkpoints, tmp_path):
    out = str(tmp_path / 'speed.json')
    result = subprocess.run([
        sys.executable,
        osp.join(repo_root, 'tools', 'analysis_tools', 'benchmark_speed.py'),
        osp.join(repo_root, TOY_CONFIG), '--checkpoint',
        toy_checkpoints['seq'], '--video', toy_video.folder, '--size', '160',
        '96', '--frames', '4', '--key-frames', '2', '--warmup', '0', '--amp',
        '--early-reduction', '0.5', '--json', out
    ],
                            capture_output=True,
                            text=True,
                            cwd=repo_root)
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout
    assert log.startswith('CPU: ')
    assert f'({toy_video.folder})' in log
    for name in ('mmpr, early reduction, mixed', 'MaskTrack R-CNN, mixed'):
        assert name in log
    assert re.search(r'mixed: [0-9.]+; mmpr fp32 / mixed: [0-9.]+x', log)
    assert re.search(
        r'early reduction at IoU 0.5: [0-9.]+x faster, [0-9.]+x fewer '
        r'decodes; mmpr with it / MaskTrack R-CNN time per frame, fp32: '
        r'[0-9.]+', log), log
    with open(out) as file:
        numbers = json.load(file)
    for name in ('mmpr', 'mmpr_early', 'mmpr_mixed', 'mmpr_early_mixed',
                 'masktrack', 'masktrack_mixed'):
        assert numbers[name]['fps'] > 0
    assert (numbers['mmpr_early']['decodes_per_frame']
            <= numbers['mmpr']['decodes_per_frame'])


def test_host_work_per_frame_of_mmpr_alone(repo_root, toy_video,
                                           toy_checkpoints, tmp_path):
    """--mmpr-only times mmpr alone, with O instances forced on a trained
    model, output masks resized to a larger original size, and splits each
    frame's time into model work and host work."""
    out = str(tmp_path / 'speed.json')
    result = subprocess.run([
        sys.executable,
        osp.join(repo_root, 'tools', 'analysis_tools', 'benchmark_speed.py'),
        osp.join(repo_root, TOY_CONFIG), '--checkpoint',
        toy_checkpoints['seq'], '--force-instances', '--video',
        toy_video.folder, '--size', '160', '96', '--source-size', '320', '192',
        '--frames', '3', '--key-frames', '2', '--num-instances', '3',
        '--warmup', '0', '--mmpr-only', '--profile-stages', '--json', out
    ],
                            capture_output=True,
                            text=True,
                            cwd=repo_root)
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout
    assert 'at 160x96 from 320x192' in log and 'MaskTrack' not in log
    assert re.search(
        r'per frame: model work [0-9.]+ ms, host work [0-9.]+ ms \(mask '
        r'boxes [0-9.]+, RLE encoding [0-9.]+, reduction [0-9.]+, output '
        r'[0-9.]+, other -?[0-9.]+\); [0-9.]+ instance-frames propagated',
        log), log
    with open(out) as file:
        numbers = json.load(file)
    assert 'masktrack' not in numbers and 'ratio' not in numbers['summary']
    run = numbers['mmpr']
    # three instances of each of two key frames reach every frame but the
    # key frames' own
    assert run['decodes_per_frame'] == 4.0
    work = run['work']
    assert work['model_ms'] > 0 and work['host_ms'] > 0
    assert abs(work['model_ms'] + work['host_ms'] -
               1000 * run['seconds_per_frame']) < 1e-6
    assert abs(sum(work['host_stages_ms'].values()) - work['host_ms']) < 1e-6
