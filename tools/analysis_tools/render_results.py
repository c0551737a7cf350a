"""Draw a YouTube-VIS results json over the frames of its videos.

    python tools/analysis_tools/render_results.py results.json \
        data/youtube_vis_2019/annotations/youtube_vis_2019_valid.json \
        data/youtube_vis_2019/valid/JPEGImages --out-dir work_dirs/render

RESULTS holds official result records (``video_id``, ``category_id``,
``score``, ``segmentations`` as RLE, one per frame), as written by
tools/test.py --out or tools/demo.py --out-json. ANN_FILE is a YouTube-VIS
layout json (its ``videos`` with ``file_names``, its ``categories``) and
IMG_DIR the folder its ``file_names`` are relative to. One H.264 mp4 per
video, named after its frame folder, with every record scoring at least
--score-thr drawn in its own colour.
"""
import argparse
import json
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Tuple

from mmpr.apis import VideoResult, read_video, render_video


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Draw YouTube-VIS results over their video frames')
    parser.add_argument('results', help='results json (a list of records)')
    parser.add_argument('ann_file', help='YouTube-VIS layout json')
    parser.add_argument('img_dir', help='folder of the json\'s file_names')
    parser.add_argument('--out-dir', required=True, help='output folder')
    parser.add_argument(
        '--video-ids',
        type=int,
        nargs='+',
        help='videos to draw (default: every video with results)')
    parser.add_argument(
        '--score-thr',
        type=float,
        default=0.3,
        help='records scoring below are not drawn (default: 0.3)')
    parser.add_argument(
        '--fps',
        type=float,
        default=6.0,
        help='frame rate of the videos (default: 6, YouTube-VIS\'s '
        'annotated frames)')
    return parser.parse_args()


def load_json(path: str, what: str):
    """The content of a json file; exit with a one-line error if bad."""
    if not osp.isfile(path):
        raise SystemExit(f'error: {what} {path} does not exist')
    try:
        with open(path) as f:
            return json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SystemExit(f'error: {what} {path} is not json: {error}')


def class_names(categories: List[dict]) -> Tuple[str, ...]:
    """Names indexed by ``category_id - 1`` (YouTube-VIS ids are 1..C)."""
    names = {c['id']: c['name'] for c in categories}
    num_classes = max(names, default=0)
    return tuple(names.get(i, f'class {i}') for i in range(1, num_classes + 1))


def group_records(records: list) -> Dict[int, List[dict]]:
    """Records by ``video_id``; exit if they are not result records."""
    keys = {'video_id', 'category_id', 'score', 'segmentations'}
    if not isinstance(records, list) or not all(
            isinstance(r, dict) and keys <= r.keys() for r in records):
        raise SystemExit('error: the results json must be a list of records '
                         'with video_id, category_id, score and '
                         'segmentations (tools/test.py --out writes one)')
    by_video = defaultdict(list)
    for record in records:
        by_video[record['video_id']].append(record)
    return by_video


def main() -> None:
    args = parse_args()
    by_video = group_records(load_json(args.results, 'results'))
    ann = load_json(args.ann_file, 'annotation file')
    videos = {video['id']: video for video in ann.get('videos', [])}
    classes = class_names(ann.get('categories', []))
    video_ids = args.video_ids or sorted(by_video)
    unknown = [i for i in video_ids if i not in videos]
    if unknown:
        raise SystemExit(f'error: video ids {unknown} are not in '
                         f'{args.ann_file}; is it the json the results are '
                         'for?')
    for video_id in video_ids:
        video = videos[video_id]
        file_names = video['file_names']
        try:
            frames, _ = read_video(
                [osp.join(args.img_dir, name) for name in file_names])
            result = VideoResult.from_records([
                r for r in by_video[video_id] if r['score'] >= args.score_thr
            ], len(file_names), classes)
        except (FileNotFoundError, ValueError) as error:
            raise SystemExit(f'error: {error}')
        name = osp.dirname(file_names[0]) or str(video_id)
        out = osp.join(args.out_dir, f'{name}.mp4')
        print(f'video {video_id}: {len(result.sequences)} sequences, '
              f'{len(frames)} frames -> {out}')
        render_video(result, frames, out, args.fps, args.score_thr)
        print()


if __name__ == '__main__':
    main()
