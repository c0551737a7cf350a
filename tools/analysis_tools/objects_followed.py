"""Which ground-truth objects a YouTube-VIS results json follows.

    python tools/analysis_tools/objects_followed.py \
        work_dirs/demo/test/results.json \
        work_dirs/demo/data/youtube_vis_2019/valid.json --score-thr 0.1

RESULTS holds official result records (``tools/test.py --out`` or
``tools/demo.py --out-json``); ANN_FILE is the YouTube-VIS json of the same
videos with their ground truth (``annotations``; the toy valid split has
it, the official valid split does not). An object is followed when one
record scoring at least --score-thr has mask IoU above --iou-thr with it in
at least --min-share of the frames where it is visible. Prints one line per
object and the share followed; --out writes them as json.
"""
import argparse
import json
import os.path as osp
from collections import defaultdict

from render_results import class_names, group_records, load_json

from mmpr.evaluation.functional import objects_followed


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Objects of the ground truth that the results follow')
    parser.add_argument('results', help='results json (a list of records)')
    parser.add_argument('ann_file', help='YouTube-VIS json with annotations')
    parser.add_argument(
        '--videos',
        nargs='+',
        help='video ids or frame-folder names (default: every video with '
        'annotations)')
    parser.add_argument(
        '--score-thr',
        type=float,
        default=0.1,
        help='records scoring below do not count (default: 0.1, what '
        'make demo draws)')
    parser.add_argument(
        '--iou-thr',
        type=float,
        default=0.5,
        help='mask IoU of a covered frame (default: 0.5)')
    parser.add_argument(
        '--min-share',
        type=float,
        default=0.8,
        help='share of its visible frames an object must be covered in '
        '(default: 0.8)')
    parser.add_argument('--out', help='json file to write the rows to')
    return parser.parse_args()


def video_ids(videos: dict, wanted: list) -> list:
    """Ids of ``wanted`` (ids or frame-folder names); exit if unknown."""
    by_name = {osp.dirname(v['file_names'][0]): i for i, v in videos.items()}
    ids = []
    for item in wanted:
        if item in by_name:
            ids.append(by_name[item])
        elif item.isdigit() and int(item) in videos:
            ids.append(int(item))
        else:
            raise SystemExit(f'error: video {item} is not in the annotation '
                             'file; pass a video id or frame-folder name of '
                             'it')
    return ids


def main() -> None:
    args = parse_args()
    by_video = group_records(load_json(args.results, 'results'))
    ann = load_json(args.ann_file, 'annotation file')
    if not ann.get('annotations'):
        raise SystemExit(f'error: {args.ann_file} has no annotations; pass '
                         'the json of a split with ground truth (e.g. the '
                         'toy valid.json)')
    videos = {video['id']: video for video in ann.get('videos', [])}
    classes = class_names(ann.get('categories', []))
    objects = defaultdict(list)
    for obj in ann['annotations']:
        objects[obj['video_id']].append(obj)
    rows = []
    for video_id in (video_ids(videos, args.videos)
                     if args.videos else sorted(objects)):
        records = by_video.get(video_id, [])
        try:
            followed = objects_followed(
                [r['segmentations']
                 for r in records], [r['score'] for r in records],
                [o['segmentations'] for o in objects[video_id]],
                score_thr=args.score_thr,
                iou_thr=args.iou_thr,
                min_share=args.min_share)
        except ValueError as error:
            raise SystemExit(f'error: video {video_id}: {error}; are the '
                             'results for this annotation file?')
        name = osp.dirname(videos[video_id]['file_names'][0])
        for obj, result in zip(objects[video_id], followed):
            best = (None
                    if result.sequence is None else records[result.sequence])
            rows.append(
                dict(
                    video_id=video_id,
                    video=name,
                    object_id=obj['id'],
                    category=classes[obj['category_id'] - 1],
                    visible_frames=result.visible,
                    covered_frames=result.covered,
                    record_category=(None if best is None else
                                     classes[best['category_id'] - 1]),
                    record_score=None if best is None else best['score'],
                    followed=result.followed))
            print(f"{name} {rows[-1]['category']:>10} (object "
                  f"{obj['id']}): covered in {result.covered:2d} of "
                  f'{result.visible:2d} frames' +
                  ('' if best is None else
                   f" by a {rows[-1]['record_category']} sequence scoring "
                   f"{best['score']:.2f}") +
                  (' - NOT followed' if not result.followed else
                   ' - followed, named right' if rows[-1]['record_category'] ==
                   rows[-1]['category'] else ' - followed, misnamed'))
    done = sum(row['followed'] for row in rows)
    named = sum(row['followed'] and row['record_category'] == row['category']
                for row in rows)
    print(f'followed {done} of {len(rows)} objects (score >= '
          f'{args.score_thr}, IoU > {args.iou_thr} in >= '
          f'{args.min_share:.0%} of the visible frames), {named} of them '
          'named right')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(rows, f, indent=1)


if __name__ == '__main__':
    main()
