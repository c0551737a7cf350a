import pytest
import torch

from mmpr.models.layers import soft_aggregate


@pytest.mark.parametrize('num_instances', [1, 2, 6])
def test_soft_aggregation_sums_to_one(num_instances):
    probs = torch.rand(num_instances, 20, 30)
    probs[0, 0, 0] = 1.0  # extreme values are clamped, not NaN
    probs[-1, 0, 1] = 0.0
    aggregated = soft_aggregate(probs)
    assert aggregated.shape == (num_instances + 1, 20, 30)
    torch.testing.assert_close(
        aggregated.sum(0), torch.ones(20, 30), atol=1e-5, rtol=0)
    assert torch.isfinite(aggregated).all()
    # a pixel claimed by one instance only stays with it
    probs = torch.zeros(num_instances, 1, 1)
    probs[-1] = 0.99
    assert soft_aggregate(probs)[-1].item() > 0.98
