"""Concatenate video datasets so they can be indexed by (video, frame).

mmengine's :class:`ConcatDataset` only takes integer indices, and mmdet's
:class:`TrackImgSampler` hands it ``(video_idx, frame_idx)`` tuples whose
video index restarts at 0 for every concatenated dataset, so in mmdet 3.3 the
pair fails (``TypeError: '<' not supported between instances of 'tuple' and
'int'``) and could not tell the datasets apart anyway. This wrapper takes
tuples with a video index global to the concatenation, which
:class:`ConcatTrackImgSampler` produces.
"""
from typing import Any, List, Sequence, Tuple, Union

from mmdet.datasets import BaseVideoDataset
from mmengine.dataset import BaseDataset, ConcatDataset

from mmpr.registry import DATASETS


@DATASETS.register_module()
class VideoConcatDataset(ConcatDataset):
    """:class:`ConcatDataset` of video datasets, indexed by video or frame.

    Item ``i`` is the ``i``-th video of the concatenation and item
    ``(i, j)`` its ``j``-th frame as the key frame, as
    :meth:`BaseVideoDataset.prepare_data` reads them. Use it with
    :class:`ConcatTrackImgSampler` to draw every frame of every dataset once
    per epoch, e.g. COCO pseudo videos mixed with YouTube-VIS.

    Args:
        datasets (Sequence[BaseVideoDataset | dict]): Training video
            datasets (or their configs) with equal ``metainfo``.
        lazy_init (bool): Whether to load the annotations on first use.
            Defaults to False.
        ignore_keys (str | list[str], optional): ``metainfo`` keys that may
            differ. Defaults to None.
    """

    def __init__(self,
                 datasets: Sequence[Union[BaseDataset, dict]],
                 lazy_init: bool = False,
                 ignore_keys: Union[str, List[str], None] = None) -> None:
        super().__init__(
            datasets, lazy_init=lazy_init, ignore_keys=ignore_keys)
        for index, dataset in enumerate(self.datasets):
            if not isinstance(dataset, BaseVideoDataset):
                raise TypeError(f'dataset {index} of VideoConcatDataset is '
                                f'a {type(dataset).__name__}, not a '
                                'BaseVideoDataset')
            if dataset.test_mode:
                raise ValueError(f'dataset {index} of VideoConcatDataset is '
                                 'in test mode; concatenate training sets')

    @property
    def test_mode(self) -> bool:
        """bool: Always False: only training sets are concatenated."""
        return False

    def _locate(self, idx: Union[int, Tuple[int, int]]) -> Tuple[int, Any]:
        """Dataset index and local index of a global video or frame index."""
        if isinstance(idx, tuple):
            if len(idx) != 2:
                raise ValueError('a frame index must be (video_idx, '
                                 f'frame_idx), got {idx!r}')
            dataset_idx, video_idx = self._get_ori_dataset_idx(int(idx[0]))
            return dataset_idx, (video_idx, idx[1])
        return self._get_ori_dataset_idx(idx)

    def __getitem__(self, idx: Union[int, Tuple[int, int]]) -> Any:
        """Process video ``idx`` or frame ``(video_idx, frame_idx)``."""
        if not self._fully_initialized:
            self.full_init()
        dataset_idx, local_idx = self._locate(idx)
        return self.datasets[dataset_idx][local_idx]

    def get_len_per_video(self, idx: int) -> int:
        """Number of frames of video ``idx`` of the concatenation."""
        dataset_idx, video_idx = self._get_ori_dataset_idx(idx)
        return self.datasets[dataset_idx].get_len_per_video(video_idx)

    @property
    def num_all_imgs(self) -> int:
        """int: Number of frames of all datasets."""
        return sum(dataset.num_all_imgs for dataset in self.datasets)
