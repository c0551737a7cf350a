import numpy as np
import torch
from mmdet.evaluation.functional import ytviseval
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import _load_checkpoint


def test_runner_style_checkpoint_loads(tmp_path):
    # what the Runner saves besides weights: a message hub of HistoryBuffers
    # and numpy values, which torch>=2.6's weights_only=True load refuses
    buffer = HistoryBuffer()
    buffer.update(0.5)
    checkpoint = dict(
        meta=dict(epoch=1, seed=np.int64(3)),
        state_dict=dict(weight=torch.ones(2)),
        message_hub=dict(log_scalars=dict(loss=buffer)))
    path = tmp_path / 'epoch_1.pth'
    torch.save(checkpoint, path)
    loaded = _load_checkpoint(str(path), map_location='cpu')
    assert loaded['meta']['seed'] == 3
    assert loaded['message_hub']['log_scalars']['loss'].current() == 0.5
    assert torch.equal(loaded['state_dict']['weight'], torch.ones(2))


def test_ytviseval_has_numpy_float_alias():
    assert ytviseval.np.float is float
    values = ytviseval.np.cumsum(np.array([[1, 0, 1]]), axis=1)
    assert values.astype(dtype=ytviseval.np.float).dtype == np.float64
