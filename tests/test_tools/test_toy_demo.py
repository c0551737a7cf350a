import os
import os.path as osp
import re
import subprocess
import sys

import pytest

DEMO_CONFIG = ('configs/toy/'
               'seq-mask-rcnn_r18-w32_fpn_1xb2-pairdet-300i_toy-vis.py')


def make_demo(repo_root, out_dir, config, **env):
    """Run tools/toy_demo.sh (what `make demo` runs) in this environment, on
    the tiny toy set unless ``env`` names another ``PRESET``."""
    return subprocess.run(
        ['bash', osp.join(repo_root, 'tools', 'toy_demo.sh')],
        capture_output=True,
        text=True,
        env=dict(
            os.environ,
            OUT=str(out_dir),
            CONFIG=config,
            VENV=osp.dirname(osp.dirname(sys.executable)),
            **dict(dict(PRESET='tiny'), **env)))


@pytest.mark.slow  # two make demo runs (each step a real command), a third
# stopped at its training: ~60 s alone
def test_a_second_run_reuses_the_data_the_model_and_its_scores(
        repo_root, tmp_path):
    # the demo's config, 2 iterations, on the tiny toy set
    config = tmp_path / 'demo_2i.py'
    config.write_text(f"_base_ = '{osp.join(repo_root, DEMO_CONFIG)}'\n"
                      'train_cfg = dict(max_iters=2, val_interval=2)\n'
                      'default_hooks = dict(checkpoint=dict(interval=2))\n'
                      'model = dict(propagator=dict(num_key_frames=1))\n'
                      'test_dataloader = dict(dataset=dict(indices=2))\n')
    out = tmp_path / 'demo'
    first = make_demo(repo_root, out, str(config), AMP='0')
    assert first.returncode == 0, first.stderr[-3000:]
    # the training log names the CPU and its ISA
    log = first.stdout + first.stderr
    assert 'CPU: ' in log and 'native bf16: ' in log
    assert 'BF16OptimWrapper' not in log  # fp32 (AMP=0)
    assert 'in bf16 mixed precision' not in first.stdout
    assert 'writing the tiny toy data set' in first.stdout
    assert 'segm_mAP' in first.stdout + first.stderr
    checkpoint = out / 'train' / 'iter_2.pth'
    trained_at = checkpoint.stat().st_mtime
    assert (out / 'demo.mp4').stat().st_size > 0
    # the rendered video's objects, each followed or not, and the count
    assert re.search(r'followed \d+ of [1-9]\d* objects', first.stdout)
    assert ' - followed' in first.stdout or 'NOT followed' in first.stdout

    second = make_demo(repo_root, out, str(config))
    assert second.returncode == 0, second.stderr[-3000:]
    assert 'reusing the toy data set' in second.stdout
    assert 'reusing the trained model' in second.stdout
    # the first run's scores, printed again without testing
    assert '"youtube_vis/segm_mAP"' in second.stdout
    assert 'Iter(test)' not in second.stdout + second.stderr
    assert 'Warning' not in second.stderr, second.stderr[-3000:]
    assert checkpoint.stat().st_mtime == trained_at

    # another config is a new run: trained again (AMP=1: with --amp, bf16)
    # on the same data; a config whose model type does not exist stops the
    # training at once, after the demo has decided to train
    other = tmp_path / 'demo_other.py'
    other.write_text(config.read_text() + "model.update(type='NoSuchModel')\n")
    third = make_demo(repo_root, out, str(other), AMP='1')
    assert third.returncode != 0
    assert 'reusing the toy data set' in third.stdout
    assert 'reusing the trained model' not in third.stdout
    assert 'on the CPU in bf16 mixed precision' in third.stdout
    assert 'NoSuchModel is not a registered model type' in third.stderr
    assert not (out / 'train' / '.mmpr_finished').exists()


@pytest.mark.parametrize('setting, message', [
    (dict(AMP='yes'), 'AMP=yes; use AMP=auto, 1 or 0'),
    (dict(PRESET='huge'), 'PRESET=huge; use PRESET=small or tiny'),
])
def test_settings_are_checked(repo_root, tmp_path, setting, message):
    done = make_demo(repo_root, tmp_path / 'demo',
                     osp.join(repo_root, DEMO_CONFIG), **setting)
    assert done.returncode != 0
    assert done.stderr.strip() == f'[mmpr demo] error: {message}'


@pytest.mark.parametrize('args, preset', [([], 'small'),
                                          (['PRESET=tiny'], 'tiny')])
def test_make_demo_hands_over_its_settings(repo_root, args, preset):
    """`make demo`'s variables reach tools/toy_demo.sh as they are (a
    Makefile comment after a value would add spaces to it)."""
    done = subprocess.run(['make', '-n', 'demo', *args],
                          cwd=repo_root,
                          capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert (f'AMP="auto" PRESET="{preset}" bash tools/toy_demo.sh'
            in done.stdout), done.stdout
