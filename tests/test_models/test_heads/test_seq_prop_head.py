import pytest
import torch
from narrow_head import WIDTHS, H, W, frame_features

from mmpr.models.heads import PropTargets, SeqPropHead


@pytest.fixture(scope='module')
def head():
    torch.manual_seed(0)
    return SeqPropHead(**WIDTHS)


@pytest.mark.parametrize('num_instances', [1, 3, 7])
@pytest.mark.parametrize('memory_frames', [1, 4])
def test_shapes(head, num_instances, memory_frames):
    p2, c2, c3 = frame_features()
    masks = torch.rand(num_instances, H, W)
    keys, values = head.encode_memory(
        p2.expand(num_instances, -1, -1, -1), masks)
    assert keys.shape == (num_instances, 8, H // 16, W // 16)
    assert values.shape == (num_instances, 16, H // 16, W // 16)
    query = head.encode_query(p2, c2, c3)
    assert query.key.shape == (1, 8, H // 16, W // 16)
    assert query.skip2.shape == (1, 16, H // 4, W // 4)
    assert query.skip3.shape == (1, 16, H // 8, W // 8)

    memory_keys = torch.stack([keys] * memory_frames, dim=2)
    memory_values = torch.stack([values] * memory_frames, dim=2)
    readout = head.read_memory(memory_keys, memory_values, query.key)
    assert readout.shape == (num_instances, 16, H // 16, W // 16)
    probs = head.decode(readout, query)
    assert probs.shape == (num_instances, H, W)
    assert ((probs >= 0) & (probs <= 1)).all()


def test_shared_query_equals_per_instance_query(head):
    p2, c2, c3 = frame_features()
    keys, values = head.encode_memory(
        p2.expand(3, -1, -1, -1), torch.rand(3, H, W))
    query = head.encode_query(p2, c2, c3)
    readout = head.read_memory(keys[:, :, None], values[:, :, None], query.key)
    shared = head.decode(readout, query)
    per_instance = head.decode(readout, query.index(torch.zeros(3).long()))
    torch.testing.assert_close(shared, per_instance)


def test_memory_read_is_softmax_over_all_positions(head):
    # one memory position matching the query far better than the others
    # returns (almost) that position's value everywhere
    keys = torch.zeros(1, 8, 2, 4, 6)
    keys[0, :, 1, 2, 3] = 50
    values = torch.randn(1, 16, 2, 4, 6)
    query_key = torch.ones(1, 8, 4, 6)
    readout = head.read_memory(keys, values, query_key)
    expected = values[0, :, 1, 2, 3][:, None, None].expand(16, 4, 6)
    torch.testing.assert_close(readout[0], expected)


def test_loss_gradient_reaches_guidance_and_query_features(head):
    p2_guide, _, _ = frame_features(num_frames=2)
    p2_query, c2, c3 = frame_features(num_frames=2)
    for tensor in (p2_guide, p2_query, c2, c3):
        tensor.requires_grad_(True)
    targets = PropTargets([], [], [], (torch.rand(3, H, W) > 0.5).float(),
                          torch.tensor([0, 0, 1]))
    query = head.encode_query(p2_query, c2, c3)
    losses = head.loss(p2_guide, torch.rand(3, H, W), query, targets)
    assert set(losses) == {'loss_prop'}
    assert 0 < losses['loss_prop'].item() < 1
    losses['loss_prop'].backward()
    for tensor in (p2_guide, p2_query, c2, c3):
        assert tensor.grad is not None and tensor.grad.abs().sum() > 0


def test_segment_in_chunks_equals_one_batch(head):
    torch.manual_seed(1)
    p2, c2, c3 = frame_features()
    query = head.encode_query(p2, c2, c3)
    memories = []
    for num in (3, 2):
        keys, values = head.encode_memory(
            p2.expand(num, -1, -1, -1), torch.rand(num, H, W))
        memories.append((torch.stack([keys, keys],
                                     2), torch.stack([values, values], 2)))
    whole = head.segment(memories, query)
    chunked = head.segment(memories, query, chunk_size=2, read_budget=0)
    assert [p.shape for p in whole] == [(3, H, W), (2, H, W)]
    for ours, theirs in zip(whole, chunked):
        torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-5)
    # the instances of one memory compete: their sum never exceeds 1
    assert (whole[0].sum(0) <= 1 + 1e-5).all()
    # one query row per instance gives the same as one shared row
    per_instance = head.segment(memories, query.index(torch.zeros(5).long()))
    torch.testing.assert_close(per_instance[1], whole[1])


def test_train_cfg_is_checked_at_construction():
    with pytest.raises(
            ValueError,
            match="guidance='gt'; it takes one of 'predicted', 'ground_truth'"
    ):
        SeqPropHead(**WIDTHS, train_cfg=dict(guidance='gt'))
    with pytest.raises(ValueError, match='unknown train_cfg.prop keys'):
        SeqPropHead(**WIDTHS, train_cfg=dict(max_object=5))
    with pytest.raises(ValueError, match='max_objects'):
        SeqPropHead(**WIDTHS, train_cfg=dict(max_objects=0))


def test_memory_read_of_large_keys_under_fp16_autocast(head):
    """Keys and queries whose products exceed fp16's 65,504 (here 8 x 100 x
    100) but whose scaled affinities do not: the read under fp16 autocast
    is finite and the fp32 one."""
    keys = torch.full((1, 8, 1, 4, 6), 100.0)
    keys[0, :, 0, 0, 0] = 101.0  # one position a little closer
    values = torch.randn(1, 16, 1, 4, 6)
    query_key = torch.full((1, 8, 4, 6), 100.0)
    reference = head.read_memory(keys, values, query_key)
    with torch.autocast('cpu', dtype=torch.float16):
        readout = head.read_memory(keys, values, query_key)
    assert torch.isfinite(readout).all()
    torch.testing.assert_close(
        readout.float(), reference, rtol=0.01, atol=0.01)
