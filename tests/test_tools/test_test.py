"""tools/test.py stops on bad input with a one-line error, before testing."""
import os.path as osp

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
