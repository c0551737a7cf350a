"""Prepare a YouTube-VIS (2019, 2021, 2022) or OVIS download for training
and testing with mmpr.

Runs mmdet's own converter (``mmdet/.mim/tools/dataset_converters/
youtubevis2coco.py``) on every split found under ``--input`` and writes
``youtube_vis_{version}_{split}.json``, or ``ovis_{split}.json`` ("CocoVID"
files read by ``YouTubeVISDataset`` and ``OVISDataset``) into ``--output``.
The official jsons are found where each download puts them: 2019
``{split}.json``; 2021 and 2022 ``{split}/instances.json``; OVIS
``annotations_{split}.json``. Compared with calling mmdet's tool directly,
this one

- keeps the annotations of every annotated split, not only ``train`` (the
  toy valid split and train/valid splits made for local evaluation are
  annotated; the official valid and test splits are not);
- skips splits that are absent instead of failing on them;
- writes each file to a temporary folder first and moves it in place only
  when it is complete.

Example::

    python tools/dataset_converters/youtubevis2coco.py \
        -i data/youtube_vis_2019 --version 2019
    python tools/dataset_converters/youtubevis2coco.py \
        -i data/ovis --version ovis
"""
import argparse
import contextlib
import importlib.util
import json
import os
import os.path as osp
import shutil
import sys
import tempfile
from types import ModuleType

import mmdet

SPLITS = ('train', 'valid', 'test')
VERSIONS = ('2019', '2021', '2022', 'ovis')


def official_json(root: str, version: str, split: str) -> str:
    """Path of a split's official json, as each release lays it out."""
    if version == '2019':
        return osp.join(root, f'{split}.json')
    if version == 'ovis':
        return osp.join(root, f'annotations_{split}.json')
    return osp.join(root, split, 'instances.json')


def output_name(version: str, split: str) -> str:
    """File name of a converted split."""
    if version == 'ovis':
        return f'ovis_{split}.json'
    return f'youtube_vis_{version}_{split}.json'


def load_mmdet_converter() -> ModuleType:
    """Import mmdet's ``youtubevis2coco.py``, which is a script, by path."""
    path = osp.join(
        osp.dirname(mmdet.__file__), '.mim', 'tools', 'dataset_converters',
        'youtubevis2coco.py')
    spec = importlib.util.spec_from_file_location('mmdet_youtubevis2coco',
                                                  path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_official(path: str) -> dict:
    """Read and check an official YouTube-VIS json; exit on bad input."""
    try:
        with open(path) as f:
            data = json.load(f)
    except json.JSONDecodeError as error:
        sys.exit(f'error: {path} is not valid json ({error}); download or '
                 'write it again.')
    missing = {'videos', 'categories'} - set(data)
    if missing:
        sys.exit(f'error: {path} has no {sorted(missing)}; it is not a '
                 'YouTube-VIS annotation file.')
    for ann in data.get('annotations', [])[:1]:
        if not {'segmentations', 'bboxes', 'areas'} <= set(ann):
            sys.exit(f'error: the annotations of {path} lack per-frame '
                     '"segmentations", "bboxes" or "areas"; it is not in '
                     'the YouTube-VIS format.')
    return data


def convert_split(converter: ModuleType, path: str, out_dir: str, version: str,
                  split: str) -> str:
    """Convert one split with mmdet's converter; return the output path.

    mmdet's ``convert_vis`` keeps annotations only when ``mode='train'``, so
    an annotated split is presented to it under the ``train`` name in a
    temporary folder.
    """
    data = read_official(path)
    annotated = bool(data.get('annotations'))
    mode = 'train' if annotated else split
    out_path = osp.join(out_dir, output_name(version, split))
    # mmdet knows the 2019 and 2021 layouts; the others are 2021's
    mmdet_version = '2019' if version == '2019' else '2021'
    with tempfile.TemporaryDirectory() as tmp:
        staged = official_json(osp.join(tmp, 'in'), mmdet_version, mode)
        os.makedirs(osp.dirname(staged), exist_ok=True)
        os.symlink(osp.abspath(path), staged)
        # mmdet prints per-class counts with ids 1..N after writing the
        # file, and fails with a KeyError when a class has no object.
        category_ids = {cat['id'] for cat in data['categories']}
        used_ids = {ann['category_id'] for ann in data.get('annotations', [])}
        complete = (not annotated or used_ids == category_ids == set(
            range(1,
                  len(category_ids) + 1)))
        guard = (
            contextlib.nullcontext()
            if complete else contextlib.suppress(KeyError))
        with guard:
            converter.convert_vis(
                osp.join(tmp, 'in'), osp.join(tmp, 'out'), mmdet_version, mode)
        os.makedirs(out_dir, exist_ok=True)
        shutil.move(
            osp.join(tmp, 'out', output_name(mmdet_version, mode)), out_path)
    return out_path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert YouTube-VIS or OVIS annotations to the CocoVID '
        'files read by YouTubeVISDataset and OVISDataset.')
    parser.add_argument(
        '-i',
        '--input',
        required=True,
        help='root of the download (holding train.json, train/ or '
        'annotations_train.json, ...)')
    parser.add_argument(
        '-o', '--output', help='output folder (default: INPUT/annotations)')
    parser.add_argument('--version', required=True, choices=VERSIONS)
    parser.add_argument(
        '--splits',
        nargs='+',
        default=list(SPLITS),
        choices=SPLITS,
        help='splits to convert; absent ones are skipped')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if not osp.isdir(args.input):
        sys.exit(f'error: input folder {args.input} does not exist; pass '
                 'the root of the YouTube-VIS or OVIS download with -i.')
    out_dir = args.output or osp.join(args.input, 'annotations')
    converter = load_mmdet_converter()
    converted = []
    for split in args.splits:
        path = official_json(args.input, args.version, split)
        if not osp.isfile(path):
            print(f'skip {split}: {path} does not exist')
            continue
        converted.append(
            convert_split(converter, path, out_dir, args.version, split))
    if not converted:
        sys.exit(f'error: no split json found under {args.input} (expected '
                 f'{official_json(args.input, args.version, "train")}); '
                 'check -i and --version.')
    for path in converted:
        print(f'wrote {path}')


if __name__ == '__main__':
    main()
