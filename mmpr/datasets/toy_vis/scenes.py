"""The scenes of the synthetic toy VIS set: shapes that move, occlude and
leave the frame, rendered to frames and masks.

Each category is a shape (``disc``, ``square``, ``triangle``; colours are
random), so the class is learnable from appearance. In every video the first
three instances follow scripted roles: a slow instance, a larger instance that
moves onto it and stays there for a quarter of the video (partial, then long
full occlusion) before moving on, and a fast one that leaves the frame, stays
out for several frames and comes back; more instances move freely. All
instances move, rotate and change scale. Everything is drawn from ``numpy``
generators seeded by ``(seed, split, index)``: the same arguments draw the
same videos. :mod:`.writers` writes them in the official layouts.

Shape shorthand: H, W frame height and width.
"""
from dataclasses import dataclass
from typing import Dict, Iterator, List, Sequence, Tuple

import cv2
import numpy as np

VIDEO_CLASSES = ('disc', 'square', 'triangle')
COCO_CLASSES = VIDEO_CLASSES + ('star', )
COCO_CATEGORY_IDS = {'disc': 1, 'square': 3, 'triangle': 5, 'star': 8}
# Objects smaller than this many visible pixels are not annotated (absent).
MIN_VISIBLE_AREA = 16
SPLIT_CODES = {
    'train': 0,
    'valid': 1,
    'coco': 2,
    'davis_train': 3,
    'davis_val': 4
}


@dataclass(frozen=True)
class ToyVISSize:
    """How much toy data to write.

    Args:
        train_videos (int): Videos in the train split.
        valid_videos (int): Videos in the valid split.
        frames (tuple[int, int]): Inclusive range of frames per video.
        frame_size (tuple[int, int]): Frame (W, H) in pixels.
        max_instances (int): Most instances per video (at least 3).
        coco_images (int): Images in the COCO-format set.
    """
    train_videos: int
    valid_videos: int
    frames: Tuple[int, int]
    frame_size: Tuple[int, int]
    max_instances: int
    coco_images: int


PRESETS: Dict[str, ToyVISSize] = {
    # unit tests: a few seconds to write
    'tiny': ToyVISSize(4, 2, (8, 12), (192, 112), 3, 12),
    # CPU training of the toy configs, the demo and the benchmarks
    'small': ToyVISSize(48, 12, (12, 40), (320, 192), 4, 240),
}


@dataclass
class _Track:
    """Motion and appearance of one instance; positions in pixels."""
    category: str
    color: np.ndarray  # (3, ) BGR
    center: np.ndarray  # (2, ) x, y at frame 0
    velocity: np.ndarray  # (2, ) pixels per frame
    radius: float
    aspect: float
    angle: float  # degrees at frame 0
    spin: float  # degrees per frame
    scale_amp: float  # relative scale change amplitude
    scale_period: float  # frames
    phase: float
    bounds_margin: float  # how far outside the frame the centre may go
    pause: Tuple[int, int] = (0, 0)  # (first frame, frames) standing still

    def state(self, t: int, width: int,
              height: int) -> Tuple[np.ndarray, float, float]:
        """Centre (2, ), radius and angle at frame ``t``.

        The centre moves linearly (standing still during ``pause``) and
        bounces off a box that extends ``bounds_margin`` pixels outside the
        frame, so an instance with a large margin leaves the frame and comes
        back.
        """
        low = -self.bounds_margin
        high = np.array([width, height]) + self.bounds_margin
        start, length = self.pause
        moved = t - min(max(t - start, 0), length)  # frames of motion
        pos = self.center + self.velocity * moved - low
        span = high - low
        pos = np.abs((pos + span) % (2 * span) - span) + low
        scale = 1 + self.scale_amp * np.sin(2 * np.pi * t / self.scale_period +
                                            self.phase)
        return pos, self.radius * scale, self.angle + self.spin * t


def shape_polygon(category: str, center: np.ndarray, radius: float,
                  aspect: float, angle: float) -> np.ndarray:
    """Outline of a shape as an (P, 2) float array of x, y points."""
    if category == 'disc':
        num_points, radii = 48, [radius]
    elif category == 'square':
        num_points, radii = 4, [radius]
    elif category == 'triangle':
        num_points, radii = 3, [radius * 1.2]
    elif category == 'star':
        num_points, radii = 10, [radius * 1.2, radius * 0.5]
    else:
        raise ValueError(f'unknown toy category {category!r}')
    theta = np.arange(num_points) * 2 * np.pi / num_points
    r = np.resize(np.asarray(radii), num_points)
    # stretch along x by `aspect`, then rotate by `angle`
    local = np.stack([r * np.cos(theta) * aspect, r * np.sin(theta)], axis=1)
    rot = np.deg2rad(angle)
    rotation = np.array([[np.cos(rot), -np.sin(rot)],
                         [np.sin(rot), np.cos(rot)]])
    return local @ rotation.T + center


def render_frame(background: np.ndarray,
                 shapes: Sequence[Tuple[str, np.ndarray, np.ndarray]],
                 noise: np.ndarray) -> Tuple[np.ndarray, List[np.ndarray]]:
    """Draw shapes back to front and return the image and visible masks.

    Args:
        background (np.ndarray): (H, W, 3) uint8 BGR.
        shapes: ``(category, polygon (P, 2), colour (3, ))`` back to front.
        noise (np.ndarray): (H, W, 1) float texture added to every shape.

    Returns:
        tuple: The (H, W, 3) uint8 image and one (H, W) bool visible mask per
        shape, in the input order.
    """
    height, width = background.shape[:2]
    image = background.astype(np.float32)
    full_masks = []
    for _, polygon, color in shapes:
        canvas = np.zeros((height, width), np.uint8)
        points = np.round(polygon * 16).astype(np.int32)  # 4 bits subpixel
        cv2.fillPoly(canvas, [points], 1, lineType=cv2.LINE_8, shift=4)
        mask = canvas.astype(bool)
        image[mask] = (color + noise[mask]).clip(0, 255)
        full_masks.append(mask)
    visible = []
    covered = np.zeros((height, width), bool)
    for mask in reversed(full_masks):
        visible.append(mask & ~covered)
        covered |= mask
    return image.astype(np.uint8), visible[::-1]


def uncompressed_rle(mask: np.ndarray) -> dict:
    """Encode a (H, W) bool mask as the uncompressed RLE of YouTube-VIS."""
    flat = mask.flatten(order='F').astype(np.int8)
    changes = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], changes, [flat.size]])
    counts = np.diff(bounds).tolist()
    if flat[0]:  # runs start with background
        counts = [0] + counts
    return dict(counts=counts, size=list(mask.shape))


def mask_bbox(mask: np.ndarray) -> List[float]:
    """Tight [x, y, w, h] box of a non-empty (H, W) bool mask."""
    ys, xs = np.nonzero(mask)
    x0, y0 = xs.min(), ys.min()
    return [
        float(x0),
        float(y0),
        float(xs.max() - x0 + 1),
        float(ys.max() - y0 + 1)
    ]


def mask_polygons(mask: np.ndarray) -> List[List[float]]:
    """COCO polygons (lists of x, y) of the outer contours of a mask."""
    contours, _ = cv2.findContours(
        mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return [
        contour.reshape(-1).astype(float).tolist() for contour in contours
        if len(contour) >= 3
    ]


def draw_background(rng: np.random.Generator, width: int,
                    height: int) -> np.ndarray:
    """A smooth random (H, W, 3) uint8 background with fine noise."""
    coarse = rng.uniform(40, 200, size=(4, 6, 3)).astype(np.float32)
    smooth = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    smooth += rng.normal(0, 6, size=smooth.shape).astype(np.float32)
    return smooth.clip(0, 255).astype(np.uint8)


def _random_track(rng: np.random.Generator, width: int, height: int,
                  radius: float, speed: float) -> _Track:
    direction = rng.uniform(0, 2 * np.pi)
    return _Track(
        category=str(rng.choice(VIDEO_CLASSES)),
        color=rng.uniform(0, 255, size=3),
        center=rng.uniform([radius, radius],
                           [width - radius, height - radius]),
        velocity=speed *
        np.array([np.cos(direction), np.sin(direction)]),
        radius=radius,
        aspect=rng.uniform(0.7, 1.3),
        angle=rng.uniform(0, 360),
        spin=rng.uniform(-6, 6),
        scale_amp=rng.uniform(0.1, 0.3),
        scale_period=rng.uniform(12, 30),
        phase=rng.uniform(0, 2 * np.pi),
        bounds_margin=-radius)  # stays inside the frame


def _video_tracks(rng: np.random.Generator, num_frames: int, width: int,
                  height: int, max_instances: int) -> List[_Track]:
    """Tracks of one video, back to front; the first three have roles."""
    base = min(width, height)
    num = int(rng.integers(3, max(3, max_instances) + 1))
    # 0: slow, mid-frame; the occluder passes over it
    occludee = _random_track(rng, width, height, 0.18 * base, 0.8)
    occludee.center = np.array([width, height]) * rng.uniform(0.4, 0.6, 2)
    # 1: larger, on top of 0: reaches it at a third of the video, stays on
    # it for a quarter of the video (a long full occlusion), then moves on
    occluder = _random_track(rng, width, height, 0.28 * base, 0.0)
    occluder.scale_amp = 0.1
    arrive, stay = num_frames // 3, max(num_frames // 4, 2)
    meet = occludee.state(arrive + stay // 2, width, height)[0]
    start = meet - rng.choice([-1, 1], 2) * [0.6 * width, 0.1 * height]
    occluder.center = start
    occluder.velocity = (meet - start) / max(arrive, 1)
    occluder.pause = (arrive, stay)
    occluder.bounds_margin = 0.25 * base
    # 2: fast, leaves the frame, stays out for several frames, comes back
    wanderer = _random_track(rng, width, height, 0.15 * base, 0.0)
    wanderer.velocity = rng.choice([-1, 1], 2) * [
        (width + 1.6 * base) * 1.6 / max(num_frames, 2), 0.01 * height
    ]
    wanderer.bounds_margin = 0.8 * base
    tracks = [occludee, occluder, wanderer]
    # one category per role, rotated by a random offset: every video holds
    # every category, so each split does too
    offset = int(rng.integers(len(VIDEO_CLASSES)))
    for role, track in enumerate(tracks):
        track.category = VIDEO_CLASSES[(offset + role) % len(VIDEO_CLASSES)]
    for _ in range(num - 3):
        tracks.append(
            _random_track(rng, width, height,
                          rng.uniform(0.1, 0.2) * base, rng.uniform(0.5, 3.0)))
    # draw order: occludee below occluder; the others in random depth
    order = [0, 1] + list(rng.permutation(np.arange(2, num)))
    return [tracks[i] for i in order]


def _video_name(rng: np.random.Generator) -> str:
    return ''.join(rng.choice(list('0123456789abcdef'), 10))


@dataclass
class ToyVideo:
    """One toy video: its name, tracks and rendering inputs."""
    name: str
    num_frames: int
    tracks: List[_Track]  # back to front
    background: np.ndarray  # (H, W, 3) uint8 BGR
    noise: np.ndarray  # (H, W, 1) float32

    @classmethod
    def draw(cls, rng: np.random.Generator, size: ToyVISSize) -> 'ToyVideo':
        """Draw a random video from ``rng``."""
        width, height = size.frame_size
        num_frames = int(rng.integers(size.frames[0], size.frames[1] + 1))
        name = _video_name(rng)
        tracks = _video_tracks(rng, num_frames, width, height,
                               size.max_instances)
        background = draw_background(rng, width, height)
        noise = rng.normal(0, 12, size=(height, width, 1)).astype(np.float32)
        return cls(name, num_frames, tracks, background, noise)

    def frames(self) -> Iterator[Tuple[np.ndarray, List[np.ndarray]]]:
        """Render the frames in order.

        Yields:
            tuple: The (H, W, 3) uint8 image and one (H, W) bool visible mask
            per track, in the order of :attr:`tracks`.
        """
        height, width = self.background.shape[:2]
        for t in range(self.num_frames):
            shapes = []
            for track in self.tracks:
                center, radius, angle = track.state(t, width, height)
                shapes.append(
                    (track.category,
                     shape_polygon(track.category, center, radius,
                                   track.aspect, angle), track.color))
            yield render_frame(self.background, shapes, self.noise)
