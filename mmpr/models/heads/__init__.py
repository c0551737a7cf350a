from .seq_prop_head import (QueryFeatures, RefineBlock, ResBlock, SeqPropHead,
                            soft_aggregate)

__all__ = [
    'QueryFeatures', 'RefineBlock', 'ResBlock', 'SeqPropHead', 'soft_aggregate'
]
