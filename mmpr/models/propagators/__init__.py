from .memory_k_propagator import MemoryKPropagator, select_key_frames

__all__ = ['MemoryKPropagator', 'select_key_frames']
