import torch
from torch import nn

from mmpr.engine import BF16OptimWrapper
from mmpr.registry import OPTIM_WRAPPERS


def test_built_from_a_config():
    model = nn.Conv2d(3, 4, 3)
    wrapper = OPTIM_WRAPPERS.build(
        dict(
            type='BF16OptimWrapper',
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1)))
    assert isinstance(wrapper, BF16OptimWrapper)


def test_forward_in_bf16_channels_last_and_an_unscaled_step():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Conv2d(4, 2, 3))
    wrapper = BF16OptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    before = [p.detach().clone() for p in model.parameters()]
    inputs = torch.randn(2, 3, 12, 12)
    with wrapper.optim_context(model):
        assert torch.is_autocast_enabled('cpu')
        outputs = model(inputs)
        loss = outputs.float().square().mean()
    assert not torch.is_autocast_enabled('cpu')
    assert outputs.dtype is torch.bfloat16
    assert all(
        conv.weight.is_contiguous(memory_format=torch.channels_last)
        for conv in model)
    wrapper.backward(loss)
    grads = [p.grad.clone() for p in model.parameters()]
    wrapper.step()
    # fp32 weights and gradients; the step is plain SGD (no loss scale)
    for param, old, grad in zip(model.parameters(), before, grads):
        assert param.dtype is torch.float32 and grad.dtype is torch.float32
        torch.testing.assert_close(param.detach(), old - 0.1 * grad)
