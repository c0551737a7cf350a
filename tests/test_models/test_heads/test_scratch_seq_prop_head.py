"""The switches of training from scratch; the plain (paper's) head is the
reference where one is needed."""
import pytest
import torch
from narrow_head import WIDTHS, H, W, frame_features

from mmpr.models.heads import ScratchSeqPropHead, SeqPropHead


def test_l2_affinity_prefers_the_closest_key_not_the_largest():
    head = ScratchSeqPropHead(**WIDTHS, affinity='l2')
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
        ScratchSeqPropHead(**WIDTHS, affinity='bogus')


def test_cosine_affinity_is_sharp_for_small_keys():
    head = ScratchSeqPropHead(**WIDTHS, affinity='cosine', temperature=0.05)
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
    head = ScratchSeqPropHead(**WIDTHS, value_with_mask=True)
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


def test_prior_prob_survives_an_init_cfg():
    head = ScratchSeqPropHead(
        **WIDTHS,
        prior_prob=0.01,
        init_cfg=dict(type='Normal', layer='Conv2d', std=0.01))
    head.init_weights()
    probs = head.predictor.bias.softmax(0)
    assert probs[1].item() == pytest.approx(0.01)


def test_init_query_from_memory():
    head = ScratchSeqPropHead(**WIDTHS, init_query_from_memory=True)
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
    head = ScratchSeqPropHead(
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
