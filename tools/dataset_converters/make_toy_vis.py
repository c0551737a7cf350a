"""Write the synthetic toy VIS set (YouTube-VIS or OVIS, COCO and DAVIS
layouts).

Example::

    python tools/dataset_converters/make_toy_vis.py data/toy --preset tiny
    python tools/dataset_converters/youtubevis2coco.py \
        -i data/toy/youtube_vis_2019 --version 2019
"""
import argparse
import time

from mmpr.datasets.toy_vis import PRESETS, make_toy_vis


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write the synthetic toy VIS set, laid out like the '
        'official YouTube-VIS, COCO and DAVIS 2019 unsupervised downloads.')
    parser.add_argument('out_dir', help='folder to write into')
    parser.add_argument(
        '--preset',
        default='tiny',
        choices=sorted(PRESETS),
        help='size of the set: tiny (tests) or small (toy training)')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--version',
        default='2019',
        choices=['2019', '2021', '2022', 'ovis'],
        help='YouTube-VIS or OVIS layout to write (2022 and OVIS: their '
        'classes; 2022: one long valid video)')
    parser.add_argument('--train-videos', type=int, help='override preset')
    parser.add_argument('--valid-videos', type=int, help='override preset')
    parser.add_argument(
        '--frames',
        type=int,
        nargs=2,
        metavar=('MIN', 'MAX'),
        help='override preset: frames per video')
    parser.add_argument(
        '--frame-size',
        type=int,
        nargs=2,
        metavar=('W', 'H'),
        help='override preset: frame size')
    parser.add_argument(
        '--max-instances', type=int, help='override preset (at least 3)')
    parser.add_argument('--coco-images', type=int, help='override preset')
    parser.add_argument(
        '--no-davis',
        action='store_true',
        help='skip the DAVIS layout (the YouTube-VIS configs do not read it)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    overrides = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in dict(
            train_videos=args.train_videos,
            valid_videos=args.valid_videos,
            frames=args.frames,
            frame_size=args.frame_size,
            max_instances=args.max_instances,
            coco_images=args.coco_images).items() if value is not None
    }
    start = time.perf_counter()
    written = make_toy_vis(
        args.out_dir,
        preset=args.preset,
        seed=args.seed,
        version=args.version,
        overrides=overrides,
        davis=not args.no_davis)
    for name, path in written.items():
        print(f'{name}: {path}')
    print(f'wrote the toy set in {time.perf_counter() - start:.1f} s')


if __name__ == '__main__':
    main()
