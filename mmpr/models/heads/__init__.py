from .scratch_seq_prop_head import ScratchSeqPropHead
from .seq_prop_head import PropTargets, QueryFeatures, SeqPropHead

__all__ = ['PropTargets', 'QueryFeatures', 'ScratchSeqPropHead', 'SeqPropHead']
