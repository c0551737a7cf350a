"""Frame-level sampling of concatenated video datasets."""
from typing import Optional, Sized

from mmdet.datasets.samplers import TrackImgSampler
from mmengine.dataset import ConcatDataset

from mmpr.datasets.video_concat_dataset import VideoConcatDataset
from mmpr.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class ConcatTrackImgSampler(TrackImgSampler):
    """:class:`TrackImgSampler` that can also sample a concatenation.

    For a :class:`VideoConcatDataset` it yields ``(video_idx, frame_idx)``
    with the video index global to the concatenation (mmdet's sampler restarts
    it at 0 for every dataset, which no concatenation can resolve); for any
    other dataset it is :class:`TrackImgSampler`. Every frame of every video
    is drawn once per epoch, shuffled by ``seed`` and the epoch, and split
    over ranks.

    Args:
        dataset (Sized): A :class:`BaseVideoDataset`, a
            :class:`VideoConcatDataset` of them, or a
            :class:`ClassBalancedDataset`.
        seed (int, optional): Shuffling seed, equal on all ranks. Defaults to
            None (a seed synchronised over ranks).
    """

    def __init__(self, dataset: Sized, seed: Optional[int] = None) -> None:
        if (isinstance(dataset, ConcatDataset)
                and not isinstance(dataset, VideoConcatDataset)):
            raise TypeError('ConcatTrackImgSampler needs a VideoConcatDataset '
                            'to index (video, frame) pairs, got a '
                            f'{type(dataset).__name__}')
        super().__init__(dataset, seed=seed)
        if isinstance(dataset, VideoConcatDataset):
            self.indices = [
                (video_idx, frame_idx) for video_idx in range(len(dataset))
                for frame_idx in range(dataset.get_len_per_video(video_idx))
            ]
