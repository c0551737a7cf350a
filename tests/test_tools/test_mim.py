"""openmim support: the model index, the ``mmpr/.mim`` package data of a
wheel and, when openmim is installed, ``mim list/search/run/train/test``.

The mim tests install a wheel of the working tree into a temporary folder
on PYTHONPATH: openmim 0.3 cannot look into the PEP 660 editable install
that ``make setup`` makes with setuptools >= 80 (``tools/check_mim.sh``
checks ``mim install -e .``, which needs setuptools < 80).
"""
import glob
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml

CONFIG = 'seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
INDEXED = ('configs/seq_mask_rcnn', 'configs/seq_mask_rcnn/authors',
           'configs/toy')
# what a wheel must ship under mmpr/.mim for openmim
MIM_FILES = ('model-index.yml', 'configs/seq_mask_rcnn/metafile.yml',
             'configs/toy/metafile.yml', f'configs/toy/{CONFIG}',
             'configs/_base_/default_runtime.py', 'tools/train.py',
             'tools/test.py', 'tools/dataset_converters/make_toy_vis.py',
             'tools/dataset_converters/youtubevis2coco.py')


def dist_name(repo_root: str) -> str:
    with open(osp.join(repo_root, 'setup.py')) as f:
        return re.search(r"^DIST_NAME = '(.+)'$", f.read(), re.M).group(1)


def test_dist_name_is_not_an_openmmlab_abbreviation(repo_root):
    # openmim expands a package argument that is a substring of exactly one
    # of its OpenMMLab names (mim/utils/default.py PKG2PROJECT) to that name:
    # `mim train mmpr` would train with mmpretrain.
    known = ('mmcv-full', 'mmcls', 'mmpretrain', 'mmdet', 'mmdet3d',
             'mmsegmentation', 'mmaction2', 'mmtrack', 'mmpose', 'mmedit',
             'mmocr', 'mmgen', 'mmselfsup', 'mmrotate', 'mmflow', 'mmyolo',
             'mmagic')
    name = dist_name(repo_root)
    assert not [k for k in known if name in k], name


def test_model_index_lists_every_config(repo_root):
    with open(osp.join(repo_root, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    collections, models = set(), []
    for metafile in index['Import']:
        with open(osp.join(repo_root, metafile)) as f:
            meta = yaml.safe_load(f)
        collections.update(c['Name'] for c in meta.get('Collections', []))
        models += meta['Models']
    listed = [m['Config'] for m in models]
    expected = sorted(
        osp.relpath(path, repo_root) for folder in INDEXED
        for path in glob.glob(osp.join(repo_root, folder, '*.py')))
    assert sorted(listed) == expected
    for model in models:
        assert model['Name'] == osp.splitext(osp.basename(model['Config']))[0]
        assert model['In Collection'] in collections, model['Name']
    assert len({m['Name'] for m in models}) == len(models)


def copy_source(repo_root: str, dst: str) -> None:
    """What an sdist holds: no mmpr/.mim, no caches, no build outputs."""
    skip = shutil.ignore_patterns('__pycache__', '*.pyc', '.mim', '*.egg-info')
    for name in ('setup.py', 'setup.cfg', 'MANIFEST.in', 'README.md',
                 'model-index.yml'):
        shutil.copy(osp.join(repo_root, name), dst)
    for name in ('mmpr', 'configs', 'tools', 'requirements'):
        shutil.copytree(
            osp.join(repo_root, name), osp.join(dst, name), ignore=skip)


@pytest.fixture(scope='module')
def wheel(repo_root, tmp_path_factory) -> str:
    """A wheel built from a copy of the working tree (building in the tree
    would replace its mmpr/.mim links with copies)."""
    src = str(tmp_path_factory.mktemp('src'))
    copy_source(repo_root, src)
    out = str(tmp_path_factory.mktemp('dist'))
    built = subprocess.run([
        sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-index',
        '--no-build-isolation', '--disable-pip-version-check', '-w', out, src
    ],
                           capture_output=True,
                           text=True)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    wheels = glob.glob(osp.join(out, '*.whl'))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.mark.slow  # builds and installs the wheel
def test_wheel_ships_mim_resources(wheel):
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
    missing = [f for f in MIM_FILES if f'mmpr/.mim/{f}' not in names]
    assert not missing
    assert not [n for n in names if '__pycache__' in n]


@pytest.fixture(scope='module')
def mim_env(wheel, tmp_path_factory) -> dict:
    """Environment variables under which the wheel is the installed mmpr."""
    found = subprocess.run([sys.executable, '-c', 'import mim'],
                           capture_output=True,
                           text=True)
    if found.returncode != 0:
        pytest.skip('openmim is not installed (pip install openmim==0.3.8; '
                    'see docs/mim.md): ' +
                    (found.stderr.strip().splitlines() or [''])[-1])
    target = str(tmp_path_factory.mktemp('site'))
    installed = subprocess.run([
        sys.executable, '-m', 'pip', 'install', '--no-deps', '--no-index',
        '--disable-pip-version-check', '--target', target, wheel
    ],
                               capture_output=True,
                               text=True)
    assert installed.returncode == 0, installed.stderr[-3000:]
    path = os.pathsep.join(
        p for p in (target, os.environ.get('PYTHONPATH')) if p)
    return dict(os.environ, PYTHONPATH=path, MIM_TARGET=target)


def mim(env: dict, cwd, *args) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, '-m', 'mim', *args],
                          capture_output=True,
                          text=True,
                          cwd=cwd,
                          env=env)
    assert done.returncode == 0, (f'mim {" ".join(args)}:\n' +
                                  done.stdout[-3000:] + done.stderr[-3000:])
    return done


@pytest.mark.slow  # builds and installs the wheel
def test_mim_finds_the_package(repo_root, mim_env, tmp_path):
    name = dist_name(repo_root)
    lookup = subprocess.run([
        sys.executable, '-c', 'from mim.utils import get_installed_path; '
        f'print(get_installed_path({name!r}))'
    ],
                            capture_output=True,
                            text=True,
                            cwd=tmp_path,
                            env=mim_env)
    assert lookup.returncode == 0, lookup.stderr[-3000:]
    root = lookup.stdout.strip().splitlines()[-1]
    assert osp.samefile(root, osp.join(mim_env['MIM_TARGET'], 'mmpr'))
    listed = mim(mim_env, tmp_path, 'list').stdout
    assert re.search(rf'^{re.escape(name)} +\d', listed, re.M), listed
    configs = mim(mim_env, tmp_path, 'search', name, '--valid-config').stdout
    assert osp.splitext(CONFIG)[0] in configs


@pytest.mark.slow  # builds and installs the wheel
def test_mim_run_train_and_test(repo_root, mim_env, tmp_path):
    name = dist_name(repo_root)
    # mim run: scripts under mmpr/.mim/tools, found by name
    mim(mim_env, tmp_path, 'run', name, 'make_toy_vis', 'data/toy', '--preset',
        'tiny')
    mim(mim_env, tmp_path, 'run', name, 'youtubevis2coco', '-i',
        'data/toy/youtube_vis_2019', '--version', '2019')
    # mim train / test: a config name is found under mmpr/.mim/configs
    trained = mim(mim_env, tmp_path, 'train', name, CONFIG, '--work-dir',
                  'work', '--cfg-options', 'train_cfg.max_iters=1')
    config = osp.join(mim_env['MIM_TARGET'], 'mmpr', '.mim', 'configs', 'toy',
                      CONFIG)
    assert f'will use {config} instead' in trained.stdout
    checkpoint = tmp_path / 'work' / 'iter_1.pth'
    assert checkpoint.is_file()
    tested = mim(mim_env, tmp_path, 'test', name, CONFIG, '--checkpoint',
                 str(checkpoint), '--work-dir', 'work', '--cfg-options',
                 'model.propagator.num_key_frames=1',
                 'test_dataloader.num_workers=0',
                 'test_dataloader.persistent_workers=False',
                 'test_dataloader.dataset.indices=1')
    assert 'youtube_vis/segm_mAP: ' in tested.stdout + tested.stderr
