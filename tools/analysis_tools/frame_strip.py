"""Tile frames of a rendered video into one picture (the README's picture
is ``make demo``'s video through this tool).

Example::

    python tools/analysis_tools/frame_strip.py work_dirs/demo/demo.mp4 \
        docs/images/demo.png --frames 4 --columns 4 --width 1280
"""
import argparse
import sys

import cv2
import numpy as np

from mmpr.apis import open_video
from mmpr.visualization import atomic_path


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Tile evenly spaced frames of a video into one image.')
    parser.add_argument('video', help='video file (.mp4) or frame folder')
    parser.add_argument('out', help='image to write (.png or .jpg)')
    parser.add_argument(
        '--frames', type=int, default=4, help='frames to take (default 4)')
    parser.add_argument(
        '--columns', type=int, default=4, help='frames per row (default 4)')
    parser.add_argument(
        '--width',
        type=int,
        default=1280,
        help='width of the picture in pixels (default 1280)')
    return parser.parse_args()


def frame_strip(frames: list, columns: int, width: int) -> np.ndarray:
    """Tile (H, W, 3) frames row by row, ``columns`` a row, scaled so that a
    row is ``width`` pixels wide; a short last row is padded with white.

    Returns:
        np.ndarray: (rows * h, width, 3) BGR uint8.
    """
    height, frame_width = frames[0].shape[:2]
    size = (width // columns, round(height * width / columns / frame_width))
    tiles = [cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames]
    tiles += [np.full_like(tiles[0], 255)] * (-len(tiles) % columns)
    rows = [
        np.concatenate(tiles[i:i + columns], axis=1)
        for i in range(0, len(tiles), columns)
    ]
    return np.concatenate(rows, axis=0)


def main() -> None:
    args = parse_args()
    if min(args.frames, args.columns, args.width) < 1:
        sys.exit('error: --frames, --columns and --width must be positive')
    try:
        video = open_video(args.video)
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f'error: {error}')
    picks = np.linspace(0, len(video) - 1, min(args.frames, len(video)))
    frames = [video[int(round(i))] for i in picks]
    with atomic_path(args.out) as tmp:
        if not cv2.imwrite(tmp, frame_strip(frames, args.columns, args.width)):
            sys.exit(f'error: cannot write {args.out}; name a .png or .jpg '
                     'file in a writable folder')
    print(f'wrote {args.out} ({len(frames)} frames of {args.video})')


if __name__ == '__main__':
    main()
