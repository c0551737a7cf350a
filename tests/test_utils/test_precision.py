import pytest
import torch

import mmpr.utils.precision as precision_module
from mmpr.utils import (autocast_dtype, channels_last, check_amp,
                        full_precision, is_autocast_on, mixed_precision,
                        precision_note)


def test_low_precision_per_device():
    assert autocast_dtype('cpu') is torch.bfloat16
    assert autocast_dtype(torch.device('cuda', 0)) is torch.float16


def test_mixed_precision_and_full_precision_inside():
    weight = torch.randn(4, 4)
    assert not is_autocast_on('cpu')
    with mixed_precision('cpu'):
        assert is_autocast_on('cpu')
        assert (torch.randn(2, 4) @ weight).dtype is torch.bfloat16
        with full_precision('cpu'):
            assert not is_autocast_on('cpu')
            assert (torch.randn(2, 4) @ weight).dtype is torch.float32
        assert is_autocast_on('cpu')
    with mixed_precision('cpu', enabled=False):
        assert (torch.randn(2, 4) @ weight).dtype is torch.float32


@pytest.mark.parametrize('enabled', [True, False])
def test_channels_last_for_the_block_only(enabled):
    convs = [torch.nn.Conv2d(3, 8, 3), torch.nn.Conv2d(8, 4, 3)]
    with pytest.raises(RuntimeError), channels_last(*convs, enabled=enabled):
        for conv in convs:
            assert conv.weight.is_contiguous(
                memory_format=torch.channels_last) is enabled
        raise RuntimeError('restored on errors too')
    assert all(conv.weight.is_contiguous() for conv in convs)


@pytest.mark.parametrize('bf16', [True, False])
def test_note_only_where_bf16_is_emulated(monkeypatch, bf16):
    monkeypatch.setattr(
        precision_module, 'cpu_info',
        lambda: dict(model='Some CPU', isa=['avx2', 'fma'], bf16=bf16))
    note = precision_note('cpu')
    if bf16:
        assert note is None
    else:
        assert 'Some CPU' in note and 'avx2 fma' in note
        assert 'no native bf16' in note
    assert precision_note('cuda:0') is None


def test_amp_on_the_cpu_runs_mmpr_models_only(monkeypatch):
    monkeypatch.setattr(
        precision_module, 'cpu_info',
        lambda: dict(model='Some CPU', isa=['avx2'], bf16=False))
    mmpr_model = dict(type='SeqMaskRCNN', propagator=dict())
    assert 'no native bf16' in check_amp(mmpr_model, 'a.py', 'cpu')
    assert check_amp(mmpr_model, 'a.py', 'cuda') is None
    peer = dict(type='mmdet.MaskTrackRCNN')
    assert check_amp(peer, 'a.py', 'cuda') is None
    with pytest.raises(ValueError, match='runs mmpr models only; a.py runs'):
        check_amp(peer, 'a.py', 'cpu')
