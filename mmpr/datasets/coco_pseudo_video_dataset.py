"""COCO images as one-frame videos for the main-training stage.

Paper Sec. 4.2: the main-training stage adds COCO images, each turned into a
three-frame pseudo video by +-30 degree rotations, to the video set. For
YouTube-VIS (and OVIS) only images with categories the video set shares are
used; for DAVIS-UVOS every image is used and every instance is foreground.
This dataset yields each kept image as a one-frame video;
:class:`PseudoVideoSample` and :class:`RotateFrame` make the pseudo video in
the pipeline.
"""
from typing import Dict, List, Optional, Tuple, Union

import mmengine.fileio as fileio
from mmdet.datasets import BaseVideoDataset
from mmdet.datasets.api_wrappers import COCO
from mmengine.logging import print_log

from mmpr.registry import DATASETS
from .youtube_vis_dataset import youtube_vis_classes

# COCO categories that name the same objects as a YouTube-VIS category. Left
# out on purpose: car -> sedan (2019; sedans are a subset of cars), bird ->
# bird (2021; COCO birds include the ducks and parrots that YouTube-VIS labels
# apart), mouse (a computer mouse in COCO, an animal in YouTube-VIS), and the
# look-alikes bicycle -> motorbike and skis -> snowboard.
COCO_TO_YOUTUBE_VIS_2019 = {
    'person': 'person',
    'motorcycle': 'motorbike',
    'airplane': 'airplane',
    'train': 'train',
    'truck': 'truck',
    'boat': 'boat',
    'cat': 'cat',
    'dog': 'dog',
    'horse': 'horse',
    'cow': 'cow',
    'elephant': 'elephant',
    'bear': 'bear',
    'zebra': 'zebra',
    'giraffe': 'giraffe',
    'snowboard': 'snowboard',
    'skateboard': 'skateboard',
    'surfboard': 'surfboard',
    'tennis racket': 'tennis_racket',
}
COCO_TO_YOUTUBE_VIS_2021 = {
    **COCO_TO_YOUTUBE_VIS_2019,
    'car': 'car',
    'frisbee': 'flying_disc',
}

# COCO categories that name the same objects as an OVIS category, by the
# rules above: bird is left out (OVIS labels poultry and parrots apart); car,
# bus and truck are OVIS's one vehicle class (spelt "Vehical" in its jsons).
COCO_TO_OVIS = {
    'person': 'Person',
    'cat': 'Cat',
    'dog': 'Dog',
    'horse': 'Horse',
    'sheep': 'Sheep',
    'cow': 'Cow',
    'elephant': 'Elephant',
    'bear': 'Bear',
    'zebra': 'Zebra',
    'giraffe': 'Giraffe',
    'bicycle': 'Bicycle',
    'motorcycle': 'Motorcycle',
    'airplane': 'Airplane',
    'boat': 'Boat',
    'car': 'Vehical',
    'bus': 'Vehical',
    'truck': 'Vehical',
}

# the built-in mappings by name: (the video set's dataset_version, mapping)
NAMED_MAPPINGS = {
    'youtube_vis_2019': ('2019', COCO_TO_YOUTUBE_VIS_2019),
    'youtube_vis_2021': ('2021', COCO_TO_YOUTUBE_VIS_2021),
    'ovis': ('ovis', COCO_TO_OVIS),
}


def named_mapping(name: str) -> Tuple[tuple, Dict[str, str]]:
    """The target classes and the COCO category mapping of a name of
    :data:`NAMED_MAPPINGS`."""
    version, mapping = NAMED_MAPPINGS[name]
    return youtube_vis_classes(version), mapping


@DATASETS.register_module()
class CocoPseudoVideoDataset(BaseVideoDataset):
    """A COCO instances json read as one-frame videos.

    Every image with at least one (non-crowd) instance of a mapped category
    becomes a video ``{'video_id': image id, 'images': [frame],
    'video_length': 1}``; the frame holds the image info, ``img_path``,
    ``frame_id=0`` and ``instances`` (``bbox`` xyxy, ``bbox_label``,
    ``mask`` (the COCO segmentation), ``ignore_flag`` (iscrowd) and
    ``instance_id`` (the annotation id)), as
    :class:`mmdet.datasets.BaseVideoDataset` lays them out. Annotations of
    unmapped categories are dropped, and so are images left without any
    instance, so :class:`TrackImgSampler` draws every kept image once per
    epoch, alone or inside :class:`VideoConcatDataset` with a video set.

    Args:
        class_mapping (dict | str, optional): How COCO categories become the
            target classes ``metainfo['classes']``: a dict
            ``{coco category name: target class name}`` (e.g.
            :data:`COCO_TO_YOUTUBE_VIS_2019`); ``'youtube_vis_2019'``,
            ``'youtube_vis_2021'`` or ``'ovis'``: the built-in mapping, and
            the classes of that video set when ``metainfo`` names none;
            ``'foreground'``: every COCO
            category becomes the single target class (DAVIS-UVOS); None:
            categories whose name is a target class. Defaults to None.
        **kwargs: :class:`mmdet.datasets.BaseVideoDataset` arguments, e.g.
            ``ann_file``, ``data_root``, ``data_prefix=dict(img_path=...)``,
            ``metainfo=dict(classes=...)`` (required), ``filter_cfg``
            (``min_size``, default 32, drops smaller images in training),
            ``pipeline``.
    """

    def __init__(self,
                 *args,
                 class_mapping: Optional[Union[Dict[str, str], str]] = None,
                 **kwargs) -> None:
        if isinstance(class_mapping, str) and class_mapping in NAMED_MAPPINGS:
            classes, class_mapping = named_mapping(class_mapping)
            metainfo = kwargs.get('metainfo') or {}
            kwargs['metainfo'] = dict(
                metainfo, classes=metainfo.get('classes', classes))
        elif isinstance(class_mapping, str) and class_mapping != 'foreground':
            raise ValueError(
                'class_mapping must be a dict, None, \'foreground\', '
                f'or one of {sorted(NAMED_MAPPINGS)}; got {class_mapping!r}')
        self.class_mapping = class_mapping
        super().__init__(*args, **kwargs)

    def _category_labels(self, categories: List[dict]) -> Dict[int, int]:
        """Map COCO category ids to target labels.

        Args:
            categories (list[dict]): The json's ``categories``.

        Returns:
            dict[int, int]: Target label of each mapped COCO category id.
        """
        classes = self.metainfo.get('classes')
        if not classes:
            raise ValueError('CocoPseudoVideoDataset needs the target classes '
                             'as metainfo=dict(classes=...)')
        names = {category['name']: category['id'] for category in categories}
        if self.class_mapping == 'foreground':
            if len(classes) != 1:
                raise ValueError("class_mapping='foreground' needs exactly "
                                 f'one target class, got {classes}')
            mapping = {name: classes[0] for name in names}
        elif self.class_mapping is None:
            mapping = {name: name for name in names if name in classes}
        else:
            mapping = self.class_mapping
            unknown = sorted(set(mapping) - set(names))
            if unknown:
                raise ValueError(f'class_mapping names categories that '
                                 f'{self.ann_file} lacks: {unknown}')
            targets = sorted(set(mapping.values()) - set(classes))
            if targets:
                raise ValueError(f'class_mapping maps to {targets}, which are '
                                 f'not in classes {classes}')
        if not mapping:
            raise ValueError(f'no category of {self.ann_file} maps to the '
                             f'target classes {classes}')
        return {
            names[name]: classes.index(target)
            for name, target in mapping.items()
        }

    def load_data_list(self) -> List[dict]:
        """Read the json and keep the images with mapped instances.

        Returns:
            list[dict]: One one-frame video per kept image.
        """
        with fileio.get_local_path(
                self.ann_file, backend_args=self.backend_args) as local_path:
            coco = COCO(local_path)
        # used by BaseVideoDataset.parse_data_info
        self.cat2label = self._category_labels(coco.dataset['categories'])
        self.cat_ids = list(self.cat2label)
        data_list = []
        img_ids = coco.get_img_ids()
        for img_id in img_ids:
            img_info = dict(
                coco.load_imgs([img_id])[0], img_id=img_id, frame_id=0)
            anns = coco.load_anns(
                coco.get_ann_ids(img_ids=[img_id], cat_ids=self.cat_ids))
            frame = self.parse_data_info(
                dict(
                    raw_img_info=img_info,
                    raw_ann_info=[
                        dict(ann, instance_id=ann['id']) for ann in anns
                    ]))
            if any(not inst['ignore_flag'] for inst in frame['instances']):
                data_list.append(
                    dict(video_id=img_id, images=[frame], video_length=1))
        print_log(
            f'{self.__class__.__name__}: {len(data_list)} of {len(img_ids)} '
            'images hold instances of the target classes', 'current')
        return data_list

    def filter_data(self) -> List[dict]:
        """Drop images smaller than ``filter_cfg['min_size']`` in training.

        Returns:
            list[dict]: The kept one-frame videos.
        """
        if self.test_mode:
            return self.data_list
        min_size = (self.filter_cfg or {}).get('min_size', 32)
        return [
            video for video in self.data_list
            if min(video['images'][0]['width'], video['images'][0]['height'])
            >= min_size
        ]
