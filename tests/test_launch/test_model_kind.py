import os.path as osp

from mmengine.config import ConfigDict

from mmpr.launch import is_seq_mask_rcnn
from mmpr.models import SeqMaskRCNN
from mmpr.registry import MODELS
from mmpr.utils import load_config


@MODELS.register_module(force=True)
class RenamedSeqModel(SeqMaskRCNN):
    """A Seq Mask R-CNN under another name."""


def test_model_kind_by_registered_type(repo_root):
    config = osp.join(repo_root, 'configs', 'toy', '{}')
    ours = load_config(
        config.format('seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py')).model
    peer = load_config(
        config.format('masktrack-rcnn_r18_fpn_1xb2-1200i_toy-vis.py')).model
    assert is_seq_mask_rcnn(ours)
    assert not is_seq_mask_rcnn(peer)
    # by what the type is, not by the config keys it has
    assert is_seq_mask_rcnn(ConfigDict(type='RenamedSeqModel'))
    assert is_seq_mask_rcnn(ConfigDict(type=SeqMaskRCNN))
    peer.propagator = dict(type='MemoryKPropagator')
    assert not is_seq_mask_rcnn(peer)
