import pytest
import torch

from mmpr.models.heads import SeqPropHead
from mmpr.models.propagators import MemoryBank

O, CK, CV, HM, WM = 2, 4, 6, 3, 5  # instances, key/value channels, grid


def entry(index):
    """Keys and values of entry ``index``, distinct from any other's."""
    generator = torch.Generator().manual_seed(index)
    return (torch.randn(O, CK, HM, WM, generator=generator),
            torch.randn(O, CV, HM, WM, generator=generator))


def concatenated(indices):
    """The memory of these entries as ``torch.cat`` builds it."""
    keys, values = zip(*(entry(i) for i in indices))
    return torch.stack(keys, 2), torch.stack(values, 2)


@pytest.mark.parametrize('capacity', [1, 3, 7])
def test_unbounded_bank_equals_the_concatenation(capacity):
    bank = MemoryBank(*entry(0), capacity=capacity)
    for i in range(1, 7):
        bank.append(*entry(i))
        keys, values = concatenated(range(i + 1))
        assert len(bank) == i + 1
        assert bank.keys.shape == (O, CK, i + 1, HM, WM)
        assert torch.equal(bank.keys, keys)
        assert torch.equal(bank.values, values)
    # storage doubles when full: 1 -> 2 -> 4 -> 8, 3 -> 6 -> 12
    assert bank.capacity == {1: 8, 3: 12, 7: 7}[capacity]


def test_storage_sized_from_the_schedule_is_written_in_place():
    bank = MemoryBank(*entry(0), capacity=5)
    storage = bank.keys.data_ptr(), bank.values.data_ptr()
    for i in range(1, 5):
        bank.append(*entry(i))
    assert bank.capacity == 5
    assert (bank.keys.data_ptr(), bank.values.data_ptr()) == storage
    assert bank.keys.is_contiguous()  # full: the storage itself


@pytest.mark.parametrize('max_size', [2, 3, 4])
def test_max_size_keeps_the_key_entry_and_the_newest(max_size):
    bank = MemoryBank(*entry(0), capacity=100, max_size=max_size)
    assert bank.capacity == max_size  # never more than it can hold
    for i in range(1, 10):
        bank.append(*entry(i))
        kept = [0] + list(range(max(1, i + 2 - max_size), i + 1))
        assert len(bank) == len(kept) == min(i + 1, max_size)
        # entry 0 stays first; the others are the newest, in any order
        keys, values = concatenated(kept)
        assert torch.equal(bank.keys[:, :, 0], keys[:, :, 0])
        order = [
            next(
                j for j in range(len(kept))
                if torch.equal(bank.keys[:, :, m], keys[:, :, j]))
            for m in range(len(kept))
        ]
        assert sorted(order) == list(range(len(kept)))
        assert torch.equal(bank.values, values[:, :, order])


def test_max_size_reads_as_the_concatenation():
    head = SeqPropHead(
        in_channels=8,
        skip_channels=(8, 8),
        memory_channels=8,
        key_channels=CK,
        value_channels=CV,
        decoder_channels=8)
    bank = MemoryBank(*entry(0), max_size=3)
    for i in range(1, 6):
        bank.append(*entry(i))
    query = torch.randn(1, CK, HM, WM)
    read = head.read_memory(bank.keys, bank.values, query)
    expected = head.read_memory(*concatenated([0, 4, 5]), query)
    torch.testing.assert_close(read, expected)


def test_max_size_one_keeps_the_key_entry_only():
    bank = MemoryBank(*entry(0), capacity=4, max_size=1)
    bank.append(*entry(1))
    assert len(bank) == 1
    assert torch.equal(bank.keys, concatenated([0])[0])
    with pytest.raises(ValueError, match='max_size'):
        MemoryBank(*entry(0), max_size=0)
