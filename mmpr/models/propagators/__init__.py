from .memory_k_propagator import (MemoryKPropagator, SequenceProposals,
                                  StageTimer, encode_rle, select_key_frames)

__all__ = [
    'MemoryKPropagator', 'SequenceProposals', 'StageTimer', 'encode_rle',
    'select_key_frames'
]
