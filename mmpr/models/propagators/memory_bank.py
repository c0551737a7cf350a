"""The memory of the instances propagated from one key frame.

Shape shorthand: O instances, M memory entries, Ck/Cv key/value channels,
(h', w') the memory grid.
"""
from typing import Optional

from torch import Tensor


class MemoryBank:
    """Memory entries (keys and values) of O instances in preallocated
    storage.

    Entry 0 is the key frame's and is kept for good. Entries are written in
    place into storage of ``capacity`` entries, which doubles when it is
    full (up to ``max_size``), instead of a ``torch.cat`` (a copy of the
    whole memory) per entry. With ``max_size``, a new entry beyond it
    replaces the oldest entry after the key frame's, so the bank holds the
    key frame's entry and the newest ``max_size - 1`` others; their slots
    cycle, and the order of entries is not kept (a memory read is a softmax
    over all memory positions, whatever their order).

    Args:
        keys (Tensor): (O, Ck, h', w') keys of the key frame's entry.
        values (Tensor): (O, Cv, h', w') its values.
        capacity (int): Entries to allocate for. Defaults to 1.
        max_size (int, optional): Most entries. Defaults to None
            (unbounded).
    """

    def __init__(self,
                 keys: Tensor,
                 values: Tensor,
                 capacity: int = 1,
                 max_size: Optional[int] = None) -> None:
        if max_size is not None and max_size < 1:
            raise ValueError(f'max_size must be >= 1, got {max_size}')
        self.max_size = max_size
        capacity = max(1, min(capacity, max_size or capacity))
        self._keys = keys.new_empty(
            (*keys.shape[:2], capacity, *keys.shape[2:]))
        self._values = values.new_empty(
            (*values.shape[:2], capacity, *values.shape[2:]))
        self._keys[:, :, 0] = keys
        self._values[:, :, 0] = values
        self.size = 1
        self._oldest = 1  # slot of the oldest entry after the key frame's

    def __len__(self) -> int:
        """M, the number of entries."""
        return self.size

    @property
    def capacity(self) -> int:
        """Entries the storage holds now."""
        return self._keys.size(2)

    @property
    def keys(self) -> Tensor:
        """(O, Ck, M, h', w') keys (a view of the storage)."""
        return self._keys[:, :, :self.size]

    @property
    def values(self) -> Tensor:
        """(O, Cv, M, h', w') values (a view of the storage)."""
        return self._values[:, :, :self.size]

    def append(self, keys: Tensor, values: Tensor) -> None:
        """Add an entry: (O, Ck, h', w') keys and (O, Cv, h', w') values."""
        if self.size == self.max_size:
            if self.max_size == 1:  # the key frame's entry only
                return
            slot = self._oldest
            self._oldest = slot % (self.max_size - 1) + 1
        else:
            if self.size == self.capacity:
                self._grow(
                    min(2 * self.capacity, self.max_size or 2 * self.capacity))
            slot = self.size
            self.size += 1
        self._keys[:, :, slot] = keys
        self._values[:, :, slot] = values

    def _grow(self, capacity: int) -> None:
        """Move the entries to storage of ``capacity`` entries."""
        for name in ('_keys', '_values'):
            old = getattr(self, name)
            new = old.new_empty((*old.shape[:2], capacity, *old.shape[3:]))
            new[:, :, :self.size] = old[:, :, :self.size]
            setattr(self, name, new)
