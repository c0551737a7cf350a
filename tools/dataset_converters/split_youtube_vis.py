"""Split an annotated YouTube-VIS json into a train and a valid part.

The official valid split has no public annotations, so scoring locally needs
annotated videos held out of the train split. This tool splits the official
train json by video (deterministic for a seed) into two jsons in the same
official format: ``info``, ``licenses``, ``categories`` and every other
top-level field are kept, each video keeps its id, its annotations and
their ids. The outputs are laid out as the downloads are, so
``youtubevis2coco.py`` converts them directly:

- 2019 (input ``train.json``): ``OUT/train.json`` and ``OUT/valid.json``;
- 2021 (input ``train/instances.json``): ``OUT/train/instances.json`` and
  ``OUT/valid/instances.json``.

The frames are not copied: both parts use the original
``train/JPEGImages`` folder.

Example::

    python tools/dataset_converters/split_youtube_vis.py \
        data/youtube_vis_2019/train.json -o data/youtube_vis_2019_split \
        --valid-fraction 0.1 --seed 0
"""
import argparse
import json
import os
import os.path as osp
import sys
import tempfile
from typing import Dict, List, Optional, Tuple

import numpy as np

SPLITS = ('train', 'valid')


def detect_version(path: str) -> str:
    """``'2021'`` for a ``.../instances.json`` input, else ``'2019'``."""
    return '2021' if osp.basename(path) == 'instances.json' else '2019'


def output_json(out_dir: str, version: str, split: str) -> str:
    """Path of a split's json in the download layout of ``version``."""
    if version == '2019':
        return osp.join(out_dir, f'{split}.json')
    return osp.join(out_dir, split, 'instances.json')


def image_folder(path: str, version: str) -> str:
    """The ``JPEGImages`` folder of the frames of the input json."""
    if version == '2019':
        return osp.join(osp.dirname(path), 'train', 'JPEGImages')
    return osp.join(osp.dirname(path), 'JPEGImages')


def read_annotated(path: str) -> dict:
    """Read an annotated official YouTube-VIS json; exit on bad input."""
    if not osp.isfile(path):
        sys.exit(f'error: {path} does not exist; pass the train.json '
                 '(2019) or train/instances.json (2021) of the download.')
    try:
        with open(path) as f:
            data = json.load(f)
    except json.JSONDecodeError as error:
        sys.exit(f'error: {path} is not valid json ({error}).')
    if not isinstance(data, dict) or not {'videos', 'categories'} <= set(data):
        sys.exit(f'error: {path} has no "videos" and "categories"; it is '
                 'not a YouTube-VIS annotation file.')
    if not data.get('annotations'):
        sys.exit(f'error: {path} has no annotations (the official valid '
                 'and test splits have none); split the train json.')
    if len(data['videos']) < 2:
        sys.exit(f'error: {path} has {len(data["videos"])} video(s); '
                 'splitting needs at least 2.')
    return data


def num_valid_videos(num_videos: int, fraction: float,
                     count: Optional[int]) -> int:
    """Number of videos held out; exit if out of range.

    Args:
        num_videos (int): Videos in the input.
        fraction (float): Used when ``count`` is None: this fraction of the
            videos, rounded, at least 1 and at most ``num_videos - 1``.
        count (int, optional): The number itself.

    Returns:
        int: Videos for the valid part.
    """
    if count is not None:
        if not 1 <= count < num_videos:
            sys.exit(f'error: --valid-videos must be in [1, {num_videos - 1}]'
                     f' for {num_videos} videos, got {count}.')
        return count
    if not 0 < fraction < 1:
        sys.exit(f'error: --valid-fraction must be in (0, 1), got '
                 f'{fraction}.')
    return min(max(round(fraction * num_videos), 1), num_videos - 1)


def split_videos(data: dict, num_valid: int, seed: int) -> Dict[str, dict]:
    """Split the videos at random and the annotations with their videos.

    Args:
        data (dict): An official YouTube-VIS json.
        num_valid (int): Videos for the valid part.
        seed (int): Random seed; the same seed gives the same split.

    Returns:
        dict[str, dict]: The ``train`` and ``valid`` jsons; videos and
        annotations keep their order in the input.
    """
    video_ids = sorted(video['id'] for video in data['videos'])
    chosen = np.random.default_rng(seed).permutation(len(video_ids))
    valid_ids = {video_ids[i] for i in chosen[:num_valid]}
    common = {
        key: value
        for key, value in data.items() if key not in ('videos', 'annotations')
    }
    parts = {}
    for split in SPLITS:
        held_out = split == 'valid'
        parts[split] = dict(
            common,
            videos=[
                video for video in data['videos']
                if (video['id'] in valid_ids) == held_out
            ],
            annotations=[
                ann for ann in data['annotations']
                if (ann['video_id'] in valid_ids) == held_out
            ])
    return parts


def write_json(data: dict, path: str) -> None:
    """Write ``data`` to ``path`` through a temporary file in its folder."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=osp.dirname(osp.abspath(path)), suffix='.json')
    with os.fdopen(fd, 'w') as f:
        json.dump(data, f)
    os.replace(tmp, path)


def check_outputs(paths: List[str], source: str, force: bool) -> None:
    """Exit if an output is the input, or exists without ``force``."""
    for path in paths:
        if osp.exists(path) and osp.samefile(path, source):
            sys.exit(f'error: {path} is the input json; choose another -o.')
        if osp.exists(path) and not force:
            sys.exit(f'error: {path} exists; pass --force to overwrite it.')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Split an annotated YouTube-VIS json by video into '
        'train and valid jsons in the official format.')
    parser.add_argument(
        'input',
        help='train.json (2019) or train/instances.json (2021) of the '
        'download')
    parser.add_argument(
        '-o', '--output', required=True, help='folder for the two parts')
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        '--valid-fraction',
        type=float,
        default=0.1,
        help='fraction of the videos held out (default 0.1)')
    size.add_argument(
        '--valid-videos', type=int, help='number of videos held out')
    parser.add_argument(
        '--seed', type=int, default=0, help='random seed (default 0)')
    parser.add_argument(
        '--force', action='store_true', help='overwrite existing outputs')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    version = detect_version(args.input)
    data = read_annotated(args.input)
    num_valid = num_valid_videos(
        len(data['videos']), args.valid_fraction, args.valid_videos)
    outputs: List[Tuple[str, str]] = [
        (split, output_json(args.output, version, split)) for split in SPLITS
    ]
    check_outputs([path for _, path in outputs], args.input, args.force)
    parts = split_videos(data, num_valid, args.seed)
    for split, path in outputs:
        write_json(parts[split], path)
        print(f'wrote {path}: {len(parts[split]["videos"])} videos, '
              f'{len(parts[split]["annotations"])} annotations')
    images = image_folder(args.input, version)
    print('next steps:\n'
          f'  python tools/dataset_converters/youtubevis2coco.py '
          f'-i {args.output} --version {version}\n'
          f'  writes {osp.join(args.output, "annotations")}/'
          f'youtube_vis_{version}_{{train,valid}}.json. The frames stay '
          f'in {images}: point data_prefix=dict(img_path=...) of both the '
          'train and the valid dataset there.')


if __name__ == '__main__':
    main()
