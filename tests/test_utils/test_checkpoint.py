import random

import pytest
import torch
import torch.nn as nn

from mmpr.utils import (CheckpointError, check_checkpoint_fits,
                        checkpoint_state_dict, load_checkpoint_file)


def small_model() -> nn.Module:
    """Four state dict tensors: a.weight, a.bias, b.weight, b.bias."""
    return nn.ModuleDict(dict(a=nn.Linear(2, 3), b=nn.Linear(3, 4)))


@pytest.mark.parametrize(
    'content, reason',
    [(b'{"images": []}', "UnpicklingError: invalid load key, '{'"),
     (random.Random(0).randbytes(1000), 'UnpicklingError'), (b'', 'EOFError')],
    ids=['json', 'random', 'empty'])
def test_a_file_that_is_no_checkpoint_is_named(tmp_path, content, reason):
    path = tmp_path / 'bad.pth'
    path.write_bytes(content)
    with pytest.raises(CheckpointError) as error:
        load_checkpoint_file(str(path))
    message = str(error.value)
    assert message.startswith(f'checkpoint {path} is not a PyTorch checkpoint')
    assert reason in message
    assert 'pass a .pth written by tools/train.py' in message
    assert '\n' not in message


def test_a_torch_file_without_weights_is_named(tmp_path):
    path = str(tmp_path / 'list.pth')
    torch.save([1, 2], path)
    with pytest.raises(CheckpointError, match='holds no state dict'):
        load_checkpoint_file(path)


def test_state_dict_loses_data_parallel_prefix(tmp_path):
    path = str(tmp_path / 'ddp.pth')
    weights = {'module.' + k: v for k, v in small_model().state_dict().items()}
    torch.save(dict(state_dict=weights, meta=dict(epoch=1)), path)
    checkpoint = load_checkpoint_file(path)
    assert checkpoint['meta'] == dict(epoch=1)
    assert list(checkpoint_state_dict(checkpoint)) == [
        'a.weight', 'a.bias', 'b.weight', 'b.bias'
    ]
    # a plain state dict is a checkpoint too
    torch.save(small_model().state_dict(), path)
    assert list(checkpoint_state_dict(
        load_checkpoint_file(path)))[0] == ('a.weight')


def test_half_the_weights_fit(tmp_path):
    model = small_model()
    weights = model.state_dict()
    weights['b.weight'] = torch.zeros(1)  # another shape
    del weights['b.bias']
    check_checkpoint_fits(model, weights, 'ckpt.pth', 'config.py')


def test_most_weights_missing_is_another_model():
    model = small_model()
    weights = dict(model.state_dict(), **{'detector.a.weight': torch.ones(1)})
    for key in ('a.weight', 'b.weight', 'b.bias'):
        del weights[key]
    with pytest.raises(CheckpointError) as error:
        check_checkpoint_fits(model, weights, 'ckpt.pth', 'config.py')
    assert str(error.value) == (
        'checkpoint ckpt.pth is of another model: 1 of the 4 weights of '
        'config config.py match it by name and shape (it holds e.g. '
        'detector.a.weight); pass a checkpoint trained with this config')


@pytest.mark.parametrize(
    'key', ['bbox_head.fc_cls.weight', 'prop_head.enc_pos.weight'])
def test_authors_layout_asks_for_the_converter(key):
    model = small_model()
    weights = dict(model.state_dict(), **{key: torch.ones(1)})
    with pytest.raises(CheckpointError) as error:
        check_checkpoint_fits(model, weights, 'theirs.pth', 'config.py')
    message = str(error.value)
    assert "layout of the authors' Propose-Reduce release" in message
    assert f'e.g. {key}; 4 of the 4 weights' in message
    assert message.endswith(
        'convert it first: python tools/model_converters/'
        'proposereduce_to_mmpr.py theirs.pth converted.pth')
