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
    ratio = re.search(r'mmpr / MaskTrack R-CNN time per frame: ([0-9.]+)', log)
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
