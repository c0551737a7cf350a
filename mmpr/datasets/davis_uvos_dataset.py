"""DAVIS 2019 unsupervised (DAVIS-UVOS) read from its download layout.

Layout under ``data_root``::

    JPEGImages/480p/<sequence>/<frame>.jpg
    Annotations_unsupervised/480p/<sequence>/<frame>.png
    ImageSets/2019/{train,val,test-dev,...}.txt

Each PNG is palette-indexed: value k > 0 is object k of the sequence, 0 the
background and 255 void. DAVIS-UVOS is video instance segmentation with the
single category ``object`` (paper Sec. 4).
"""
import os
import os.path as osp
from typing import List, Optional

import numpy as np
import pycocotools.mask as mask_utils
from mmdet.datasets import BaseVideoDataset
from mmengine.logging import print_log
from PIL import Image

from mmpr.registry import DATASETS
from mmpr.structures import rle_box, str_counts

VOID_LABEL = 255


def davis_palette() -> np.ndarray:
    """The DAVIS (PASCAL VOC) annotation palette.

    Returns:
        np.ndarray: (256, 3) uint8 RGB colour of every index.
    """
    index = np.arange(256)
    palette = np.zeros((256, 3), np.uint8)
    for bit in range(8):
        for channel in range(3):
            palette[:, channel] |= (((index >> (3 * bit + channel)) & 1) <<
                                    (7 - bit)).astype(np.uint8)
    return palette


def read_label_map(path: str) -> np.ndarray:
    """Read a DAVIS annotation PNG as its object indices.

    Args:
        path (str): A palette-indexed (or grey) PNG.

    Returns:
        np.ndarray: (H, W) uint8 object index of every pixel.
    """
    with Image.open(path) as image:
        if image.mode not in ('P', 'L'):
            raise ValueError(f'{path}: expected a palette or grey PNG of '
                             f'object indices, got mode {image.mode}')
        return np.array(image)


@DATASETS.register_module()
class DAVISUVOSDataset(BaseVideoDataset):
    """DAVIS-UVOS videos with their instances in the video dataset format.

    Each item is a sequence ``{'video_id', 'images', 'video_length'}``; each
    frame holds ``img_id``, ``img_path``, ``file_name``
    (``<sequence>/<frame>.jpg``), ``video_name``, ``frame_id`` (index in the
    sequence), ``height``, ``width`` and ``instances``: one per object of the
    PNG, with ``bbox`` (xyxy), ``bbox_label`` 0, ``mask`` (compressed RLE,
    decoded by ``LoadTrackAnnotations``), ``ignore_flag`` 0 and
    ``instance_id = video_id * 1000 + k``, unique per (sequence, object k).
    Frames without a PNG (test sets) have no instances. In training, frames
    without instances are dropped (unless ``filter_cfg=dict(
    filter_empty_gt=False)``) and so are sequences left without frames; in
    test mode an integer index yields the whole sequence.

    Args:
        ann_file (str): Split list, one sequence name per line, relative to
            ``data_root``, e.g. ``'ImageSets/2019/train.txt'``.
        split (str, optional): Instead of ``ann_file``: a split name, read
            from ``ImageSets/2019/{split}.txt``.
        data_prefix (dict, optional): ``img_path`` and ``ann_path`` folders
            relative to ``data_root``. Defaults to ``JPEGImages/480p`` and
            ``Annotations_unsupervised/480p``.
        **kwargs: Other :class:`mmdet.datasets.BaseVideoDataset` arguments
            (``data_root``, ``pipeline``, ``test_mode``, ...).
    """
    METAINFO = dict(classes=('object', ))
    # instance_id = video_id * ID_STRIDE + object index (< 255) in the PNG
    ID_STRIDE = 1000

    def __init__(self,
                 ann_file: str = '',
                 split: Optional[str] = None,
                 data_prefix: Optional[dict] = None,
                 **kwargs) -> None:
        if split is not None:
            if ann_file:
                raise ValueError('give DAVISUVOSDataset ann_file or split, '
                                 f'not both (got {ann_file!r} and {split!r})')
            ann_file = f'ImageSets/2019/{split}.txt'
        prefix = dict(
            img_path='JPEGImages/480p',
            ann_path='Annotations_unsupervised/480p')
        prefix.update(data_prefix or {})
        super().__init__(ann_file=ann_file, data_prefix=prefix, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the split list and every sequence's frames and PNGs.

        Returns:
            list[dict]: One video dict per sequence of the split.
        """
        if self.data_root and not osp.isdir(self.data_root):
            raise FileNotFoundError(
                f'DAVIS root {self.data_root} does not exist')
        if not self.ann_file:
            raise ValueError('DAVISUVOSDataset needs a split list: ann_file='
                             "'ImageSets/2019/train.txt' or split='train'")
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'DAVIS split list {self.ann_file} does not exist')
        with open(self.ann_file) as f:
            names = [line.strip() for line in f if line.strip()]
        data_list, num_frames = [], 0
        for video_id, name in enumerate(names, 1):
            images = self._load_sequence(name, video_id)
            for offset, frame in enumerate(images):
                frame['img_id'] = num_frames + offset + 1
            num_frames += len(images)
            data_list.append(
                dict(
                    video_id=video_id, images=images,
                    video_length=len(images)))
        return data_list

    def _load_sequence(self, name: str, video_id: int) -> List[dict]:
        """Frame infos of one sequence, in frame order."""
        img_dir = osp.join(self.data_prefix['img_path'], name)
        if not osp.isdir(img_dir):
            raise FileNotFoundError(f'sequence {name} of {self.ann_file} has '
                                    f'no frame folder {img_dir}')
        stems = sorted(
            osp.splitext(file)[0] for file in os.listdir(img_dir)
            if file.endswith('.jpg'))
        frames = []
        for frame_id, stem in enumerate(stems):
            img_path = osp.join(img_dir, f'{stem}.jpg')
            ann_path = osp.join(self.data_prefix['ann_path'], name,
                                f'{stem}.png')
            if osp.isfile(ann_path):
                labels = read_label_map(ann_path)
                height, width = labels.shape
                instances = self._parse_instances(labels, video_id)
            else:
                with Image.open(img_path) as image:
                    width, height = image.size
                instances = []
            frames.append(
                dict(
                    img_path=img_path,
                    file_name=f'{name}/{stem}.jpg',
                    video_name=name,
                    frame_id=frame_id,
                    height=height,
                    width=width,
                    instances=instances))
        return frames

    def _parse_instances(self, labels: np.ndarray,
                         video_id: int) -> List[dict]:
        """Instances of one (H, W) object index map."""
        instances = []
        for obj in np.unique(labels).tolist():
            if obj in (0, VOID_LABEL):
                continue
            rle = str_counts(
                mask_utils.encode(
                    np.asfortranarray(labels == obj, dtype=np.uint8)))
            instances.append(
                dict(
                    bbox=rle_box(rle),
                    bbox_label=0,
                    mask=rle,
                    ignore_flag=0,
                    instance_id=video_id * self.ID_STRIDE + obj))
        return instances

    def filter_data(self) -> List[dict]:
        """Drop frames without instances, then empty sequences (training).

        Returns:
            list[dict]: The kept videos.
        """
        if self.test_mode or not (self.filter_cfg or {}).get(
                'filter_empty_gt', True):
            return self.data_list
        kept = []
        for video in self.data_list:
            frames = [frame for frame in video['images'] if frame['instances']]
            if frames:
                kept.append(
                    dict(video, images=frames, video_length=len(frames)))
        print_log(
            f'{self.__class__.__name__}: kept '
            f'{sum(video["video_length"] for video in kept)} frames with '
            f'instances in {len(kept)} of {len(self.data_list)} sequences',
            'current')
        return kept
