"""Pick a query frame and its guidance frame from a training video.

Seq Mask R-CNN learns to propagate the masks of a guidance frame to a query
frame. The authors' sampler (``ref_cover_tgt`` in their ``datasets/ytvos.py``)
accepts any other frame of the video, however far, that holds every query
instance of the categories the two frames share; it falls back to the query
frame itself when no frame does.
"""
import random
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Set

from mmdet.datasets.transforms import BaseFrameSample

from mmpr.registry import TRANSFORMS


def _ids_by_label(instances: Sequence[dict]) -> Dict[int, Set[int]]:
    """Instance ids of a frame grouped by category label."""
    ids = defaultdict(set)
    for instance in instances:
        ids[instance['bbox_label']].add(instance['instance_id'])
    return ids


def is_valid_guidance(query_instances: Sequence[dict],
                      guidance_instances: Sequence[dict]) -> bool:
    """Whether a frame may guide the query frame (the authors' rule).

    The frames must share at least one instance id, and for every category
    present in both frames, the query's instance ids of that category must be
    a subset of the guidance frame's ones.

    Args:
        query_instances (Sequence[dict]): The query frame's ``instances`` as
            :class:`mmdet.datasets.BaseVideoDataset` lists them, each with
            ``instance_id`` and ``bbox_label``.
        guidance_instances (Sequence[dict]): The candidate frame's ones.

    Returns:
        bool: True if the candidate is a valid guidance frame.
    """
    query = _ids_by_label(query_instances)
    guidance = _ids_by_label(guidance_instances)
    shared = set().union(*query.values()) & set().union(*guidance.values())
    if not shared:
        return False
    return all(query[label] <= guidance[label]
               for label in query.keys() & guidance.keys())


@TRANSFORMS.register_module()
class GuidanceFrameSample(BaseFrameSample):
    """Sample a query frame and a guidance frame from one video.

    The query is ``video_infos['key_frame_id']`` (set by
    :class:`mmdet.datasets.BaseVideoDataset` when it is indexed with a
    ``(video_idx, frame_idx)`` tuple, as :class:`TrackImgSampler` does) or a
    random frame. The guidance frame is drawn uniformly among the other frames
    that pass :func:`is_valid_guidance` (within ``frame_range`` of the query,
    if given); it is the query frame itself when none passes.

    The output is that of :class:`mmdet.datasets.transforms.
    UniformRefFrameSample` with one reference frame: a dict of 2-element lists,
    frames sorted by index, plus ``key_frame_flags`` (True for the query), so
    :class:`PackTrackInputs` puts the query in ``key_frames_inds`` and the
    guidance frame in ``ref_frames_inds``.

    Args:
        frame_range (int, optional): Farthest guidance frame, in frames from
            the query (as ``frame_range`` of :class:`mmdet.datasets.
            transforms.UniformRefFrameSample`). Defaults to None: any frame,
            as the authors' sampler.
        collect_video_keys (list[str]): Video-level keys copied into every
            frame. Defaults to ``['video_id', 'video_length']``.
    """

    def __init__(
            self,
            frame_range: Optional[int] = None,
            collect_video_keys: List[str] = ['video_id',
                                             'video_length']) -> None:
        super().__init__(collect_video_keys=collect_video_keys)
        if frame_range is not None and frame_range < 1:
            raise ValueError(f'frame_range must be >= 1, got {frame_range}')
        self.frame_range = frame_range

    def sample_guidance(self, video_infos: dict, query_id: int) -> int:
        """Draw the guidance frame index of query frame ``query_id``.

        Args:
            video_infos (dict): The video, with per-frame ``images``.
            query_id (int): Index of the query frame in ``images``.

        Returns:
            int: Index of the guidance frame in ``images``.
        """
        frames = video_infos['images']
        query_instances = frames[query_id]['instances']
        window = len(frames) if self.frame_range is None else self.frame_range
        candidates = [
            index for index, frame in enumerate(frames)
            if 0 < abs(index - query_id) <= window
            and is_valid_guidance(query_instances, frame['instances'])
        ]
        return random.choice(candidates) if candidates else query_id

    def transform(self, video_infos: dict) -> Optional[Dict[str, List]]:
        """Sample the query and guidance frames of a video.

        Args:
            video_infos (dict): The video: ``video_id``, ``video_length``,
                ``images`` (per-frame infos with ``instances``) and optionally
                ``key_frame_id``.

        Returns:
            dict: Per-frame lists of the two frames, sorted by frame index,
            and ``key_frame_flags``.
        """
        num_frames = len(video_infos['images'])
        if num_frames == 0:
            raise ValueError(f"video {video_infos.get('video_id')} has no "
                             'frames left to sample from')
        if 'key_frame_id' in video_infos:
            query_id = int(video_infos['key_frame_id'])
        else:
            query_id = random.randrange(num_frames)
        guidance_id = self.sample_guidance(video_infos, query_id)
        sampled_ids = sorted([query_id, guidance_id])
        results = self.prepare_data(video_infos, sampled_ids)
        results['key_frame_flags'] = [
            index == sampled_ids.index(query_id) for index in range(2)
        ]
        return results
