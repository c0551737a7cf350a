import pytest
import torch

from mmpr.models.heads import PropTargets, SeqPropHead

# a narrow head (ResNet-18 widths) keeps the test fast on the CPU
WIDTHS = dict(
    in_channels=32,
    skip_channels=(16, 24),
    memory_channels=48,
    key_channels=8,
    value_channels=16,
    decoder_channels=16)
H, W = 64, 96  # padded input size; P2 is (16, 24), the memory grid (4, 6)


@pytest.fixture(scope='module')
def head():
    torch.manual_seed(0)
    return SeqPropHead(**WIDTHS)


def frame_features(num_frames=1):
    p2 = torch.randn(num_frames, 32, H // 4, W // 4)
    c2 = torch.randn(num_frames, 16, H // 4, W // 4)
    c3 = torch.randn(num_frames, 24, H // 8, W // 8)
    return p2, c2, c3


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


def test_l2_affinity_prefers_the_closest_key_not_the_largest():
    head = SeqPropHead(**WIDTHS, affinity='l2')
    query_key = torch.zeros(1, 8, 1, 2)
    query_key[0, 0] = 3.0  # both query positions: (3, 0, ...)
    keys = torch.zeros(1, 8, 1, 1, 2)
    keys[0, 0, 0, 0, 0] = 3.0  # equal to the query
    keys[0, 0, 0, 0, 1] = 30.0  # same direction, ten times the norm
    values = torch.zeros(1, 16, 1, 1, 2)
    values[0, 0, 0, 0, 0] = 1.0
    readout = head.read_memory(keys, values, query_key)
    assert (readout[0, 0] > 0.99).all()  # read from the matching key
    dot = SeqPropHead(**WIDTHS).read_memory(keys, values, query_key)
    assert (dot[0, 0] < 0.01).all()  # the dot product picks the large key
    with pytest.raises(ValueError, match="'dot', 'l2', 'cosine'"):
        SeqPropHead(**WIDTHS, affinity='bogus')


def test_cosine_affinity_is_sharp_for_small_keys():
    head = SeqPropHead(**WIDTHS, affinity='cosine', temperature=0.05)
    query_key = torch.zeros(1, 8, 1, 1)
    query_key[0, 0] = 0.01  # small norms, as at initialisation
    keys = torch.zeros(1, 8, 1, 1, 2)
    keys[0, 0, 0, 0, 0] = 0.02  # same direction as the query
    keys[0, 1, 0, 0, 1] = 0.02  # orthogonal
    values = torch.zeros(1, 16, 1, 1, 2)
    values[0, 0, 0, 0, 0] = 1.0
    readout = head.read_memory(keys, values, query_key)
    assert readout[0, 0, 0, 0] > 0.99  # softmax of (20, 0)
    dot = SeqPropHead(**WIDTHS).read_memory(keys, values, query_key)
    assert abs(dot[0, 0, 0, 0] - 0.5) < 0.01  # the dot product: uniform


def test_value_with_mask_reads_the_attended_mask():
    head = SeqPropHead(**WIDTHS, value_with_mask=True)
    p2 = frame_features()[0]
    masks = torch.zeros(2, H, W)
    masks[0, :, :W // 2] = 1
    masks[1, :, W // 2:] = 1
    keys, values = head.encode_memory(p2.expand(2, -1, -1, -1), masks)
    assert values.shape == (2, 17, H // 16, W // 16)
    # the last value channel is the mask on the memory grid
    assert torch.equal(values[0, -1, :, :3], torch.ones(4, 3))
    assert torch.equal(values[0, -1, :, 3:], torch.zeros(4, 3))
    # a query position attending to one memory position reads that
    # position's mask value: instance 0 where its mask is, else 0
    keys = torch.zeros_like(keys)
    keys[:, 0, 1, 1] = 50.0  # inside mask 0 (left half), outside mask 1
    query_key = torch.ones(1, 8, H // 16, W // 16)
    readout = head.read_memory(keys[:, :, None], values[:, :, None], query_key)
    torch.testing.assert_close(readout[0, -1], torch.ones(4, 6))
    torch.testing.assert_close(readout[1, -1], torch.zeros(4, 6))


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


def test_prior_prob_survives_an_init_cfg():
    head = SeqPropHead(
        **WIDTHS,
        prior_prob=0.01,
        init_cfg=dict(type='Normal', layer='Conv2d', std=0.01))
    head.init_weights()
    probs = head.predictor.bias.softmax(0)
    assert probs[1].item() == pytest.approx(0.01)


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


def test_init_query_from_memory():
    head = SeqPropHead(**WIDTHS, init_query_from_memory=True)
    head.init_weights()
    p2 = frame_features()[0]
    x = head.query_encoder(p2)
    assert torch.equal(x, head.memory_encoder(p2))
    assert torch.equal(head.query_key(x), head.memory_key(x))
    # trained apart: separate parameters
    assert head.query_key.weight.data_ptr() != head.memory_key.weight.data_ptr(
    )


def test_key_from_image_matches_the_query_key_of_the_same_frame():
    torch.manual_seed(0)
    head = SeqPropHead(
        **WIDTHS, key_from_image=True, affinity='cosine', value_with_mask=True)
    assert head.memory_key is None  # no memory key conv to train
    p2, c2, c3 = frame_features()
    masks = torch.zeros(2, H, W)
    masks[0, :H // 2] = 1
    masks[1, H // 2:] = 1
    keys, values = head.encode_memory(p2.expand(2, -1, -1, -1), masks)
    query_key = head.encode_query(p2, c2, c3).key
    # the keys ignore the masks: both instances' keys are the frame's key
    torch.testing.assert_close(keys, query_key.expand(2, -1, -1, -1))
    # the values do not
    assert not torch.allclose(values[0], values[1])
    # a frame read from itself: every position attends mostly to itself
    grid = query_key.shape[-2:]
    readout = head.read_memory(keys[:1], values[:1, -1:], query_key)
    pooled_mask = values[0, -1]
    assert readout.shape[-2:] == grid
    top = (readout[0, 0] - pooled_mask).abs().max()
    assert top < (pooled_mask - pooled_mask.mean()).abs().max()


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
