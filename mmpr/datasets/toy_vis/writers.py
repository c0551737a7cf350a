"""A synthetic video instance segmentation set, written like the real ones.

No real data set can be downloaded on a CI machine, so tests, the quickstart
and the CPU benchmarks use this one. It is written exactly as the official
downloads are laid out, so the same preparation steps and loaders as for real
data run on it:

- YouTube-VIS (2019, 2021 or 2022 layout) or OVIS: the official json
  (``videos`` with
  ``file_names``; ``annotations`` with per-frame ``segmentations`` as
  uncompressed RLE, ``bboxes`` and ``areas``, ``None`` where the instance is
  absent) and JPEG frame folders, for a train and a valid split; unlike the
  official valid split, the toy valid split is annotated, so it can be scored
  locally. The 2022 and OVIS layouts name the shapes by the first three
  classes of those sets (their jsons list all the set's categories), and the
  2022 valid split ends with one long video (:data:`LONG_VIDEO_FRAMES`).
- COCO: ``annotations/instances_train2017.json`` (polygons) and
  ``train2017/*.jpg``, with the video categories under COCO-like
  non-contiguous ids plus one category (``star``) that the videos lack, so a
  category mapping has something to map and to drop.
- DAVIS 2019 unsupervised: ``JPEGImages/480p/<sequence>/<frame>.jpg``,
  palette PNGs ``Annotations_unsupervised/480p/<sequence>/<frame>.png``
  (value k is object k of the sequence, 0 background) and the split lists
  ``ImageSets/2019/{train,val}.txt``; the frames keep the preset's size.

The scenes are :mod:`.scenes`'; the same arguments write the same files.
"""
import json
import os
import os.path as osp
from dataclasses import replace
from typing import Dict, Optional, Sequence

import cv2
import numpy as np
from PIL import Image

from ..davis_uvos_dataset import davis_palette
from ..youtube_vis_dataset import youtube_vis_classes
from .scenes import (COCO_CATEGORY_IDS, COCO_CLASSES, MIN_VISIBLE_AREA,
                     PRESETS, SPLIT_CODES, VIDEO_CLASSES, ToyVideo, ToyVISSize,
                     draw_background, mask_bbox, mask_polygons, render_frame,
                     shape_polygon, uncompressed_rle)

# YouTube-VIS 2019 and 2021 videos have at most 36 frames; the toy 2022 valid
# split's last video is longer (a long video of the 2022 protocol)
LONG_VIDEO_FRAMES = 40


def _write_jpeg(path: str, image: np.ndarray) -> None:
    cv2.imwrite(path, image, [cv2.IMWRITE_JPEG_QUALITY, 92])


def write_videos(out_dir: str,
                 split: str,
                 num_videos: int,
                 size: ToyVISSize,
                 seed: int,
                 first_video_id: int = 1,
                 first_track_id: int = 1,
                 class_names: Sequence[str] = VIDEO_CLASSES,
                 frames_dir: str = 'JPEGImages',
                 last_video_frames: Optional[int] = None) -> dict:
    """Render one split's videos into ``out_dir/frames_dir``.

    Args:
        class_names (Sequence[str]): The json's categories (ids 1..N); the
            shapes take the first three. Defaults to the shapes' names.
        frames_dir (str): Folder of the frame folders under ``out_dir``
            (OVIS: ``''``). Defaults to ``'JPEGImages'``.
        last_video_frames (int, optional): Frames of the last video instead
            of the preset's range.

    Returns:
        dict: The split in the official YouTube-VIS json format.
    """
    width, height = size.frame_size
    videos, annotations = [], []
    track_id = first_track_id
    for index in range(num_videos):
        video_size = size
        if last_video_frames and index == num_videos - 1:
            video_size = replace(size, frames=(last_video_frames, ) * 2)
        video = ToyVideo.draw(
            np.random.default_rng([seed, SPLIT_CODES[split], index]),
            video_size)
        name, num_frames, tracks = video.name, video.num_frames, video.tracks
        video_id = first_video_id + index
        file_names = [f'{name}/{5 * t:05d}.jpg' for t in range(num_frames)]
        os.makedirs(osp.join(out_dir, frames_dir, name), exist_ok=True)
        per_track = [
            dict(segmentations=[], bboxes=[], areas=[]) for _ in tracks
        ]
        for file_name, (image, visible) in zip(file_names, video.frames()):
            _write_jpeg(osp.join(out_dir, frames_dir, file_name), image)
            for record, mask in zip(per_track, visible):
                area = int(mask.sum())
                present = area >= MIN_VISIBLE_AREA
                record['segmentations'].append(
                    uncompressed_rle(mask) if present else None)
                record['bboxes'].append(mask_bbox(mask) if present else None)
                record['areas'].append(area if present else None)
        videos.append(
            dict(
                license=1,
                coco_url='',
                height=height,
                width=width,
                length=num_frames,
                date_captured='2019-04-11 00:00:00.000000',
                file_names=file_names,
                flickr_url='',
                id=video_id))
        for track, record in zip(tracks, per_track):
            if all(area is None for area in record['areas']):
                continue  # never visible: not an instance of the video
            annotations.append(
                dict(
                    height=height,
                    width=width,
                    length=1,
                    category_id=VIDEO_CLASSES.index(track.category) + 1,
                    video_id=video_id,
                    iscrowd=0,
                    id=track_id,
                    **record))
            track_id += 1
    return dict(
        info=dict(description='mmpr synthetic toy VIS set', version='1.0'),
        licenses=[dict(id=1, name='CC0', url='')],
        videos=videos,
        categories=[
            dict(supercategory='shape', id=i + 1, name=name)
            for i, name in enumerate(class_names)
        ],
        annotations=annotations)


def write_coco(out_dir: str, size: ToyVISSize, seed: int) -> dict:
    """Render still images into ``out_dir/train2017``.

    Returns:
        dict: The images in the COCO instances json format (polygons).
    """
    width, height = size.frame_size
    image_dir = osp.join(out_dir, 'train2017')
    os.makedirs(image_dir, exist_ok=True)
    images, annotations = [], []
    for index in range(size.coco_images):
        rng = np.random.default_rng([seed, SPLIT_CODES['coco'], index])
        image_id = index + 1
        base = min(width, height)
        shapes = []
        for _ in range(int(rng.integers(1, 5))):
            radius = rng.uniform(0.12, 0.3) * base
            category = str(rng.choice(COCO_CLASSES))
            center = rng.uniform([radius, radius],
                                 [width - radius, height - radius])
            shapes.append(
                (category,
                 shape_polygon(category, center, radius, rng.uniform(0.7, 1.3),
                               rng.uniform(0,
                                           360)), rng.uniform(0, 255, size=3)))
        noise = rng.normal(0, 12, size=(height, width, 1)).astype(np.float32)
        image, visible = render_frame(
            draw_background(rng, width, height), shapes, noise)
        file_name = f'{image_id:012d}.jpg'
        _write_jpeg(osp.join(image_dir, file_name), image)
        images.append(
            dict(
                license=1,
                file_name=file_name,
                coco_url='',
                height=height,
                width=width,
                date_captured='2017-01-01 00:00:00',
                flickr_url='',
                id=image_id))
        for (category, _, _), mask in zip(shapes, visible):
            polygons = mask_polygons(mask)
            if mask.sum() < MIN_VISIBLE_AREA or not polygons:
                continue
            annotations.append(
                dict(
                    segmentation=polygons,
                    area=float(mask.sum()),
                    iscrowd=0,
                    image_id=image_id,
                    bbox=mask_bbox(mask),
                    category_id=COCO_CATEGORY_IDS[category],
                    id=len(annotations) + 1))
    return dict(
        info=dict(description='mmpr synthetic toy COCO set', version='1.0'),
        licenses=[dict(id=1, name='CC0', url='')],
        images=images,
        annotations=annotations,
        categories=[
            dict(supercategory='shape', id=COCO_CATEGORY_IDS[name], name=name)
            for name in COCO_CLASSES
        ])


def write_davis(out_dir: str, size: ToyVISSize, seed: int) -> str:
    """Render toy videos in the DAVIS 2019 unsupervised layout.

    ``size.train_videos`` and ``size.valid_videos`` sequences go to the
    ``train`` and ``val`` split lists; object k of a sequence is its k-th
    track (back to front) and is annotated where it is visible.

    Args:
        out_dir (str): The DAVIS root to write.
        size (ToyVISSize): How much to write.
        seed (int): Random seed; equal arguments write equal files.

    Returns:
        str: ``out_dir``.
    """
    palette = davis_palette().flatten().tolist()
    splits = [
        ('train', 'davis_train', size.train_videos),
        ('val', 'davis_val', size.valid_videos),
    ]
    for split, code, num_videos in splits:
        names = []
        for index in range(num_videos):
            video = ToyVideo.draw(
                np.random.default_rng([seed, SPLIT_CODES[code], index]), size)
            names.append(video.name)
            img_dir = osp.join(out_dir, 'JPEGImages', '480p', video.name)
            ann_dir = osp.join(out_dir, 'Annotations_unsupervised', '480p',
                               video.name)
            os.makedirs(img_dir, exist_ok=True)
            os.makedirs(ann_dir, exist_ok=True)
            for t, (image, visible) in enumerate(video.frames()):
                _write_jpeg(osp.join(img_dir, f'{t:05d}.jpg'), image)
                labels = np.zeros(image.shape[:2], np.uint8)
                for obj, mask in enumerate(visible, 1):
                    if mask.sum() >= MIN_VISIBLE_AREA:
                        labels[mask] = obj
                png = Image.fromarray(labels)
                png.putpalette(palette)
                png.save(osp.join(ann_dir, f'{t:05d}.png'))
        list_dir = osp.join(out_dir, 'ImageSets', '2019')
        os.makedirs(list_dir, exist_ok=True)
        with open(osp.join(list_dir, f'{split}.txt'), 'w') as f:
            f.writelines(f'{name}\n' for name in names)
    return out_dir


def _dump(obj: dict, path: str) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f)


def _layout(version: str) -> dict:
    """Where a version's download puts things, and its categories."""
    if version not in ('2019', '2021', '2022', 'ovis'):
        raise ValueError("version must be '2019', '2021', '2022' or 'ovis', "
                         f'got {version!r}')
    return dict(
        root='ovis' if version == 'ovis' else f'youtube_vis_{version}',
        frames_dir='' if version == 'ovis' else 'JPEGImages',
        json={
            '2019': '{split}.json',
            'ovis': 'annotations_{split}.json'
        }.get(version, osp.join('{split}', 'instances.json')),
        class_names=(VIDEO_CLASSES if version in ('2019', '2021') else
                     youtube_vis_classes(version)),
        long_video=LONG_VIDEO_FRAMES if version == '2022' else None)


def make_toy_vis(out_dir: str,
                 preset: str = 'tiny',
                 seed: int = 0,
                 version: str = '2019',
                 overrides: Optional[dict] = None,
                 davis: bool = True) -> Dict[str, str]:
    """Write the toy YouTube-VIS, COCO and DAVIS sets under ``out_dir``.

    Layout (``version='2019'``; ``'2021'`` and ``'2022'`` put each split's
    json at ``{split}/instances.json`` as those downloads do; ``'ovis'``
    writes ``ovis/annotations_{split}.json`` and
    ``ovis/{split}/<video>/<frame>.jpg``)::

        out_dir/youtube_vis_2019/{train,valid}.json
        out_dir/youtube_vis_2019/{train,valid}/JPEGImages/<video>/<frame>.jpg
        out_dir/coco/annotations/instances_train2017.json
        out_dir/coco/train2017/<image>.jpg
        out_dir/DAVIS/JPEGImages/480p/<sequence>/<frame>.jpg
        out_dir/DAVIS/Annotations_unsupervised/480p/<sequence>/<frame>.png
        out_dir/DAVIS/ImageSets/2019/{train,val}.txt

    Args:
        out_dir (str): Root folder to write into.
        preset (str): A key of :data:`PRESETS`.
        seed (int): Random seed; equal arguments write equal files.
        version (str): ``'2019'``, ``'2021'``, ``'2022'`` (the 2021 layout,
            the 2022 classes, one long valid video) or ``'ovis'``.
        overrides (dict, optional): Fields of :class:`ToyVISSize` to change.
        davis (bool): Write the DAVIS set too (about half the writing time).
            Defaults to True.

    Returns:
        dict: Paths of the written json files by name, and ``davis_root``,
        the DAVIS folder (when written).
    """
    if preset not in PRESETS:
        raise ValueError(f'unknown toy preset {preset!r}; choose one of '
                         f'{sorted(PRESETS)}')
    layout = _layout(version)
    size = replace(PRESETS[preset], **(overrides or {}))
    if size.max_instances < 3:
        raise ValueError('max_instances must be at least 3 (the scripted '
                         f'roles need 3), got {size.max_instances}')
    vis_root = osp.join(out_dir, layout['root'])
    options = dict(
        class_names=layout['class_names'], frames_dir=layout['frames_dir'])
    written = {}
    train = write_videos(
        osp.join(vis_root, 'train'), 'train', size.train_videos, size, seed,
        **options)
    # ids continue across splits, as in a split of one official train set
    valid = write_videos(
        osp.join(vis_root, 'valid'),
        'valid',
        size.valid_videos,
        size,
        seed,
        first_video_id=size.train_videos + 1,
        first_track_id=len(train['annotations']) + 1,
        last_video_frames=layout['long_video'],
        **options)
    for split, data in (('train', train), ('valid', valid)):
        path = osp.join(vis_root, layout['json'].format(split=split))
        _dump(data, path)
        written[f'youtube_vis_{split}'] = path
    coco_root = osp.join(out_dir, 'coco')
    coco = write_coco(coco_root, size, seed)
    path = osp.join(coco_root, 'annotations', 'instances_train2017.json')
    _dump(coco, path)
    written['coco_train'] = path
    if davis:
        written['davis_root'] = write_davis(
            osp.join(out_dir, 'DAVIS'), size, seed)
    return written
