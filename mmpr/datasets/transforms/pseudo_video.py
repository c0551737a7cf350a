"""Still images as rotated pseudo videos (paper Sec. 4.2).

The main-training stage mixes the video set with COCO images, each augmented
with +-30 degree rotations into a three-frame pseudo video. A training pair is
two different frames of that pseudo video: :class:`PseudoVideoSample` picks
them and records each frame's angle, and :class:`RotateFrame`, run per frame
inside :class:`mmcv.transforms.TransformBroadcaster`, applies the rotation to
the loaded image and annotations.
"""
import random
from typing import Dict, List, Sequence, Union

from mmdet.datasets.transforms import BaseFrameSample, Rotate
from mmdet.structures.bbox import autocast_box_type
from mmdet.structures.mask import BitmapMasks

from mmpr.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PseudoVideoSample(BaseFrameSample):
    """Sample a query and a guidance frame of a rotated pseudo video.

    The input is a one-image video of :class:`CocoPseudoVideoDataset`. It is
    expanded into a pseudo video with one frame per angle of ``angles``
    (frame ``i`` has ``frame_id=i`` and ``rotate_angle=angles[i]``); two
    different frames are drawn at random, one as the query and one as the
    guidance frame. The output matches :class:`GuidanceFrameSample`: a dict of
    2-element lists, frames sorted by index, plus ``key_frame_flags`` (True
    for the query). Follow it with ``TransformBroadcaster`` holding
    ``LoadImageFromFile``, ``LoadTrackAnnotations(with_mask=True)`` and
    :class:`RotateFrame`.

    Args:
        angles (Sequence[float]): Rotation in degrees of each pseudo frame,
            positive clockwise as in :func:`mmcv.imrotate`; at least two,
            all different. Defaults to ``(-30, 0, 30)``.
        collect_video_keys (Sequence[str]): Video-level keys copied into
            every frame. Defaults to ``('video_id', 'video_length')``.
    """

    def __init__(self,
                 angles: Sequence[float] = (-30, 0, 30),
                 collect_video_keys: Sequence[str] = ('video_id',
                                                      'video_length')):
        if len(angles) < 2 or len(set(angles)) != len(angles):
            raise ValueError('angles must hold at least two different angles, '
                             f'got {angles!r}')
        super().__init__(collect_video_keys=collect_video_keys)
        self.angles = tuple(angles)

    def transform(self, video_infos: dict) -> Dict[str, List]:
        """Expand a one-image video and sample two of its rotated frames.

        Args:
            video_infos (dict): ``video_id``, ``video_length`` and ``images``
                holding exactly one frame info.

        Returns:
            dict: Per-frame lists of the two frames (each with its
            ``rotate_angle``), sorted by pseudo frame index, and
            ``key_frame_flags``.
        """
        images = video_infos['images']
        if len(images) != 1:
            raise ValueError('PseudoVideoSample expects one-image videos, got '
                             f"{len(images)} frames in video "
                             f"{video_infos.get('video_id')}")
        frames = [
            dict(images[0], frame_id=index, rotate_angle=angle)
            for index, angle in enumerate(self.angles)
        ]
        pseudo_video = dict(
            video_infos, images=frames, video_length=len(frames))
        query_id, guidance_id = random.sample(range(len(frames)), 2)
        sampled_ids = sorted([query_id, guidance_id])
        results = self.prepare_data(pseudo_video, sampled_ids)
        results['key_frame_flags'] = [
            index == query_id for index in sampled_ids
        ]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(angles={self.angles}, '
                f'collect_video_keys={self.collect_video_keys})')


@TRANSFORMS.register_module()
class RotateFrame(Rotate):
    """Rotate one frame by its ``rotate_angle`` and refit the boxes to masks.

    The image, the instance masks and the semantic map (if any) are rotated
    about the image centre on a canvas of the same size (mmdet's
    :class:`Rotate` with a fixed angle); each box becomes the tight box of
    its rotated mask, and instances whose mask left the canvas are dropped,
    together with their labels, ids and ignore flags. An angle of 0 leaves the
    frame untouched.

    Required keys: ``img``, ``img_shape``, ``rotate_angle`` and, with boxes,
    ``gt_masks`` (:class:`BitmapMasks` (N, H, W)).
    Modified keys: ``img``, ``gt_masks``, ``gt_bboxes`` (N', 4),
    ``gt_bboxes_labels``, ``gt_instances_ids``, ``gt_ignore_flags``,
    ``gt_seg_map``; added key: ``homography_matrix``.

    Args:
        img_border_value (int | float | tuple): Fill value of the image
            outside the rotated source. Defaults to 0.
        interpolation (str): Image and mask interpolation, as in
            :func:`mmcv.imrotate`. Defaults to 'bilinear'.
    """
    instance_keys = ('gt_bboxes_labels', 'gt_instances_ids', 'gt_ignore_flags')

    def __init__(self,
                 img_border_value: Union[int, float, tuple] = 0,
                 interpolation: str = 'bilinear') -> None:
        super().__init__(
            prob=1.0,
            img_border_value=img_border_value,
            mask_border_value=0,
            interpolation=interpolation)

    @autocast_box_type()
    def transform(self, results: dict) -> dict:
        """Rotate the frame by ``results['rotate_angle']`` degrees.

        Args:
            results (dict): One frame's results after loading.

        Returns:
            dict: The rotated frame.
        """
        if 'rotate_angle' not in results:
            raise KeyError("RotateFrame needs results['rotate_angle'], set by "
                           'PseudoVideoSample')
        angle = results['rotate_angle']
        if angle == 0:
            return results
        masks = results.get('gt_masks')
        if 'gt_bboxes' in results and not isinstance(masks, BitmapMasks):
            raise TypeError('RotateFrame refits boxes to BitmapMasks; load '
                            'them with LoadTrackAnnotations(with_mask=True), '
                            f'got {type(masks).__name__}')
        self.homography_matrix = self._get_homography_matrix(results, angle)
        self._record_homography_matrix(results)
        self._transform_img(results, angle)
        if results.get('gt_seg_map') is not None:
            self._transform_seg(results, angle)
        if masks is not None:
            self._transform_masks(results, angle)
            self._refit_instances(results)
        return results

    def _refit_instances(self, results: dict) -> None:
        """Refit boxes to the rotated masks and drop emptied instances."""
        masks = results['gt_masks']
        keep = masks.areas > 0
        results['gt_masks'] = masks[keep]
        if 'gt_bboxes' in results:
            results['gt_bboxes'] = masks.get_bboxes('hbox')[keep]
        for key in self.instance_keys:
            if key in results:
                results[key] = results[key][keep]

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'img_border_value={self.img_border_value}, '
                f'interpolation={self.interpolation})')
