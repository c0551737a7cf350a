from .seq_prop_head import (PropTargets, QueryFeatures, RefineBlock, ResBlock,
                            SeqPropHead, soft_aggregate)

__all__ = [
    'PropTargets', 'QueryFeatures', 'RefineBlock', 'ResBlock', 'SeqPropHead',
    'soft_aggregate'
]
