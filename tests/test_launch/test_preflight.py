import os
import os.path as osp

import pytest

from mmpr.launch import check_dataset_files, make_output_dir
from mmpr.utils import load_config

TOY_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py'
DAVIS_CONFIG = 'configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-davis.py'
LOADERS = ('train_dataloader', 'test_dataloader')


def toy_config(repo_root, monkeypatch, toy_data, config=TOY_CONFIG, **options):
    """The toy config read with MMPR_TOY_DATA=toy_data (None: unset)."""
    if toy_data is None:
        monkeypatch.delenv('MMPR_TOY_DATA', raising=False)
    else:
        monkeypatch.setenv('MMPR_TOY_DATA', str(toy_data))
    return load_config(osp.join(repo_root, config), options)


def test_prepared_toy_data_passes(repo_root, monkeypatch, toy_root):
    check_dataset_files(toy_config(repo_root, monkeypatch, toy_root), LOADERS)
    check_dataset_files(
        toy_config(repo_root, monkeypatch, toy_root, DAVIS_CONFIG), LOADERS)


def test_missing_toy_data_gives_the_commands(repo_root, monkeypatch, tmp_path):
    cfg = toy_config(repo_root, monkeypatch, tmp_path)
    with pytest.raises(SystemExit) as error:
        check_dataset_files(cfg, LOADERS)
    assert str(error.value) == (
        f'error: train_dataloader: the annotation file {tmp_path}/coco/'
        'annotations/instances_train2017.json does not exist; make the toy '
        'data with `python tools/dataset_converters/make_toy_vis.py '
        f'{tmp_path} && python tools/dataset_converters/youtubevis2coco.py '
        f'-i {tmp_path}/youtube_vis_2019 --version 2019` (the toy configs '
        'read it from $MMPR_TOY_DATA, default data/toy)')


def test_relative_paths_name_the_working_folder(repo_root, monkeypatch,
                                                tmp_path):
    cfg = toy_config(repo_root, monkeypatch, None)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
            SystemExit,
            match=f'the annotation file data/toy/coco/annotations/'
            f'instances_train2017.json does not exist in {tmp_path}; make '
            r'the toy data with `python tools/dataset_converters/'
            'make_toy_vis.py data/toy &&'):
        check_dataset_files(cfg, LOADERS)


def test_split_list_of_davis(repo_root, monkeypatch, tmp_path):
    os.makedirs(tmp_path / 'DAVIS')
    cfg = toy_config(repo_root, monkeypatch, tmp_path, DAVIS_CONFIG)
    with pytest.raises(
            SystemExit,
            match=f'test_dataloader: the annotation file {tmp_path}/DAVIS/'
            'ImageSets/2019/val.txt does not exist'):
        check_dataset_files(cfg, ['test_dataloader'])


def test_missing_image_folder_is_named(repo_root, monkeypatch, toy_root):
    cfg = toy_config(
        repo_root, monkeypatch, toy_root,
        **{'test_dataloader.dataset.data_prefix.img_path': 'no/frames'})
    with pytest.raises(
            SystemExit,
            match=f'test_dataloader: the image folder {toy_root}/'
            'youtube_vis_2019/no/frames does not exist; make the toy data'):
        check_dataset_files(cfg, LOADERS)


def test_other_data_points_to_the_readme(repo_root, monkeypatch, toy_root,
                                         tmp_path):
    cfg = toy_config(
        repo_root, monkeypatch, toy_root,
        **{'test_dataloader.dataset.data_root': str(tmp_path / 'vis')})
    with pytest.raises(SystemExit) as error:
        check_dataset_files(cfg, ['test_dataloader'])
    assert str(error.value) == (
        f'error: test_dataloader: the annotation file {tmp_path}/vis/'
        'annotations/youtube_vis_2019_valid.json does not exist; download '
        'and prepare the data set as docs/user_guides/datasets.md says, '
        "or point the config's data_root to it")


def test_dataset_type_typo_names_the_closest(repo_root, monkeypatch, toy_root):
    cfg = toy_config(repo_root, monkeypatch, toy_root,
                     **{'test_dataloader.dataset.type': 'YouTubeVISDatset'})
    with pytest.raises(
            SystemExit,
            match='error: YouTubeVISDatset is not a registered dataset type '
            r'\(mmpr, mmdet, mmengine\); did you mean YouTubeVISDataset'):
        check_dataset_files(cfg, ['test_dataloader'])


def test_output_folders_are_made(tmp_path):
    make_output_dir(str(tmp_path / 'a' / 'b' / 'out.json'), '--out')
    assert osp.isdir(tmp_path / 'a' / 'b')
    make_output_dir(str(tmp_path / 'work'), '--work-dir', is_dir=True)
    assert osp.isdir(tmp_path / 'work')


def test_unwritable_outputs_are_named(tmp_path, monkeypatch):
    (tmp_path / 'file').write_text('')
    blocked = str(tmp_path / 'file' / 'out.json')
    with pytest.raises(SystemExit) as error:
        make_output_dir(blocked, '--out')
    assert str(error.value) == (
        f'error: cannot write --out {blocked}: cannot create the folder '
        f'{tmp_path}/file (a file is in the way); pass a path in a folder '
        'you can write')
    with pytest.raises(SystemExit, match='--out-json .* it is a folder'):
        make_output_dir(str(tmp_path), '--out-json')
    monkeypatch.setattr(os, 'access', lambda path, mode: False)
    with pytest.raises(
            SystemExit,
            match=f'cannot write --work-dir {tmp_path}: the folder '
            f'{tmp_path} is not writable'):
        make_output_dir(str(tmp_path), '--work-dir', is_dir=True)
