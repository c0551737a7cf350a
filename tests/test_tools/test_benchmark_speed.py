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
