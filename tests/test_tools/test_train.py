import os
import os.path as osp
import re
import subprocess
import sys

import pytest
import torch

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
# the demo's half-width model with memory keys from the image: it learns
# propagation within tens of iterations
DEMO_CONFIG = ('configs/toy/'
               'seq-mask-rcnn_r18-w32_fpn_1xb2-pairdet-1000i_toy-vis.py')
DAVIS_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-davis.py'
LOSSES = ('loss_rpn_cls', 'loss_rpn_bbox', 'loss_cls', 'loss_bbox',
          'loss_mask', 'loss_prop')


@pytest.fixture
def workspace(toy_root, tmp_path):
    """A working folder whose data/toy is the toy set, as after the README's
    data commands."""
    os.makedirs(tmp_path / 'data')
    os.symlink(toy_root, tmp_path / 'data' / 'toy')
    return tmp_path


def run(repo_root, cwd, *command, **env):
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ, PYTHON=sys.executable, **env))


def train(repo_root, cwd, *args, config=TOY_CONFIG):
    return run(repo_root, cwd, sys.executable,
               osp.join(repo_root, 'tools', 'train.py'),
               osp.join(repo_root, config), *args)


def logged(log: str, key: str) -> list:
    return [float(v) for v in re.findall(rf'{key}: ([0-9.]+)', log)]


# ~35 s: a subprocess training of 24 iterations of the demo's model (its
# loss_prop falls from ~0.9 to ~0.7 over them), its resume and a test run
@pytest.mark.slow
def test_toy_training_learns_saves_and_resumes(repo_root, workspace):
    work_dir = str(workspace / 'work')
    first = train(
        repo_root,
        workspace,
        '--work-dir',
        work_dir,
        '--cfg-options',
        'train_cfg.max_iters=24',
        'param_scheduler=[]',
        'default_hooks.logger.interval=1',
        'log_processor.window_size=1',
        'default_hooks.checkpoint.interval=24',
        config=DEMO_CONFIG)
    assert first.returncode == 0, first.stderr[-3000:]
    log = first.stdout + first.stderr
    for key in LOSSES:
        assert len(logged(log, key)) == 24, key
    prop = logged(log, 'loss_prop')
    # the propagation loss starts at ~1 (no overlap) and falls
    assert sum(prop[-10:]) / 10 < sum(prop[:10]) / 10 - 0.05, prop
    assert osp.isfile(osp.join(work_dir, 'iter_24.pth'))

    second = train(
        repo_root,
        workspace,
        '--work-dir',
        work_dir,
        '--resume',
        '--cfg-options',
        'train_cfg.max_iters=25',
        config=DEMO_CONFIG)
    assert second.returncode == 0, second.stderr[-3000:]
    assert 'resumed epoch: 0, iter: 24' in second.stdout + second.stderr
    assert osp.isfile(osp.join(work_dir, 'iter_25.pth'))

    out = str(workspace / 'results' / 'results.json')
    tested = run(repo_root, workspace, sys.executable,
                 osp.join(repo_root, 'tools', 'test.py'),
                 osp.join(repo_root, DEMO_CONFIG),
                 osp.join(work_dir, 'iter_25.pth'),
                 '--work-dir', work_dir, '--out', out, '--show-dir',
                 str(workspace / 'show'), '--show-score-thr', '0',
                 '--cfg-options', 'test_dataloader.num_workers=0',
                 'test_dataloader.persistent_workers=False',
                 'test_dataloader.dataset.indices=1',
                 'model.test_cfg.rcnn.score_thr=0.0')
    assert tested.returncode == 0, tested.stderr[-3000:]
    log = tested.stdout + tested.stderr
    for item in ('mAP', 'mAP_50', 'mAP_75', 'AR@1', 'AR@10'):
        assert f'youtube_vis/segm_{item}' in log
    timing = re.search(
        r'inference time per frame \(ms\) over (\d+) frames: '
        r'preprocessing: [0-9.]+  backbone: [0-9.]+', log)
    assert timing and int(timing.group(1)) > 0
    drawn = sorted((workspace / 'show').glob('*/*.jpg'))
    assert len(drawn) == int(timing.group(1))  # every frame of every video
    assert osp.isfile(out)
    assert osp.isfile(out.replace('.json', '.submission_file.zip'))


@pytest.mark.slow  # a subprocess training
def test_toy_davis_trains_and_prints_jf(repo_root, workspace):
    config = osp.join(repo_root, DAVIS_CONFIG)
    work_dir = str(workspace / 'davis')
    trained = run(repo_root, workspace, sys.executable,
                  osp.join(repo_root, 'tools', 'train.py'), config,
                  '--work-dir', work_dir, '--cfg-options',
                  'train_cfg.max_iters=2', 'train_dataloader.num_workers=0',
                  'train_dataloader.persistent_workers=False')
    assert trained.returncode == 0, trained.stderr[-3000:]
    tested = run(repo_root, workspace, sys.executable,
                 osp.join(repo_root, 'tools', 'test.py'), config,
                 osp.join(work_dir, 'iter_2.pth'), '--work-dir', work_dir,
                 '--cfg-options', 'test_dataloader.num_workers=0',
                 'test_dataloader.persistent_workers=False',
                 'test_dataloader.dataset.indices=1',
                 'model.test_cfg.rcnn.score_thr=0.0')
    assert tested.returncode == 0, tested.stderr[-3000:]
    log = tested.stdout + tested.stderr
    for key in ('davis_uvos/J&F', 'davis_uvos/J', 'davis_uvos/F'):
        assert key in log
    pngs = os.listdir(osp.join(work_dir, 'results'))  # <work dir>/results
    assert len(pngs) == 1  # one folder per tested sequence (indices=1)


@pytest.mark.slow  # a subprocess training
def test_two_process_training(repo_root, workspace):
    work_dir = str(workspace / 'dist')
    result = run(
        repo_root,
        workspace,
        'bash',
        osp.join(repo_root, 'tools', 'dist_train.sh'),
        osp.join(repo_root, TOY_CONFIG),
        '2',
        '--work-dir',
        work_dir,
        '--cfg-options',
        'train_cfg.max_iters=2',
        'default_hooks.logger.interval=1',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        PORT='29517',
        OMP_NUM_THREADS='1')
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert 'Distributed training: True' in log
    assert re.search(r'(GPU number|World size): 2', log)
    assert osp.isfile(osp.join(work_dir, 'iter_2.pth'))


def test_train_names_a_missing_config(repo_root, tmp_path):
    result = run(repo_root, tmp_path, sys.executable,
                 osp.join(repo_root, 'tools', 'train.py'),
                 str(tmp_path / 'no_such_config.py'))
    assert result.returncode != 0
    assert 'no_such_config.py does not exist' in result.stderr


def test_train_names_missing_data_and_its_commands(repo_root, tmp_path,
                                                   assert_one_line_error):
    assert_one_line_error(
        train(repo_root, tmp_path), 'error: train_dataloader: the annotation '
        'file data/toy/coco/annotations/instances_train2017.json does not '
        f'exist in {tmp_path}; make the toy data with `python tools/'
        'dataset_converters/make_toy_vis.py data/toy && python tools/'
        'dataset_converters/youtubevis2coco.py -i data/toy/youtube_vis_2019 '
        '--version 2019`')


def test_train_names_the_closest_registered_type(repo_root, workspace,
                                                 assert_one_line_error):
    assert_one_line_error(
        train(repo_root, workspace, '--cfg-options',
              'model.propagator.type=MemoryKPropagatr'),
        'error: MemoryKPropagatr is not a registered model type (mmpr, '
        'mmdet, mmengine); did you mean MemoryKPropagator?')


def test_train_refuses_a_bad_checkpoint_to_start_from(repo_root, workspace,
                                                      toy_checkpoints,
                                                      assert_one_line_error):
    bad = workspace / 'bad.pth'
    bad.write_bytes(b'not a checkpoint')
    assert_one_line_error(
        train(repo_root, workspace, '--resume', str(bad)),
        f'error: checkpoint {bad} is not a PyTorch checkpoint')
    masktrack = toy_checkpoints['masktrack']
    assert_one_line_error(
        train(repo_root, workspace, '--cfg-options', f'load_from={masktrack}'),
        f'error: checkpoint {masktrack} is of another model: 0 of the 224 '
        'weights of config')


@pytest.mark.slow  # a subprocess training
@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU only')
def test_train_amp_on_the_cpu_in_bf16(repo_root, workspace):
    result = train(repo_root, workspace, '--amp', '--work-dir',
                   str(workspace / 'work'), '--cfg-options',
                   'train_cfg.max_iters=2', 'default_hooks.logger.interval=1')
    assert result.returncode == 0, result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert "type='BF16OptimWrapper'" in log  # the config the runner logs
    for key in LOSSES:
        assert len(logged(log, key)) == 2, key


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU only')
def test_train_amp_on_the_cpu_mmpr_models_only(repo_root, workspace,
                                               assert_one_line_error):
    config = osp.join(
        repo_root, 'configs/toy/masktrack-rcnn_r18_fpn_1xb2-1200i_toy-vis.py')
    assert_one_line_error(
        run(repo_root, workspace, sys.executable,
            osp.join(repo_root, 'tools', 'train.py'), config, '--amp'),
        f'error: --amp on the CPU runs mmpr models only; {config} runs '
        'mmcv ops (NMS, RoIAlign)', 'drop --amp.')


def test_train_work_dir_in_a_files_way(repo_root, workspace,
                                       assert_one_line_error):
    (workspace / 'file').write_text('')
    assert_one_line_error(
        train(repo_root, workspace, '--work-dir', str(workspace / 'file')),
        f'error: cannot write --work-dir {workspace}/file: cannot create the '
        'folder', '(a file is in the way)')
