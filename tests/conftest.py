import importlib.util
import os
import os.path as osp
import subprocess
import sys
from dataclasses import replace
from types import ModuleType
from typing import Dict, List, NamedTuple, Optional

import numpy as np
import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def pytest_collection_modifyitems(items: list) -> None:
    """Run the slow tests (subprocess trainings, installs) first: with two
    workers (``make test`` runs ``pytest -n 2``) the long ones then overlap
    the many short ones instead of ending the run alone."""
    items.sort(key=lambda item: item.get_closest_marker('slow') is None)


def load_tool(relpath: str) -> ModuleType:
    """Import a script under ``tools/`` as a module."""
    path = osp.join(REPO_ROOT, 'tools', relpath)
    name = 'tool_' + osp.splitext(relpath)[0].replace('/', '_')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def frame_samples(num_frames: int,
                  height: int,
                  width: int,
                  padded: Optional[tuple] = None) -> list:
    """``num_frames`` frames of (height, width), padded to ``padded`` (H, W)
    (default: unpadded), as ``SeqMaskRCNN.predict`` hands them to the
    propagator."""
    from mmdet.structures import DetDataSample
    padded = padded or (height, width)
    return [
        DetDataSample(
            metainfo=dict(
                img_shape=(height, width),
                ori_shape=(height, width),
                batch_input_shape=padded,
                pad_shape=padded,
                scale_factor=(1.0, 1.0))) for _ in range(num_frames)
    ]


def run_tool(relpath: str,
             *args: str,
             cwd: Optional[str] = None,
             **env: str) -> subprocess.CompletedProcess:
    """Run a script under ``tools/`` in a subprocess (``env`` added to the
    environment)."""
    return subprocess.run(
        [sys.executable,
         osp.join(REPO_ROOT, 'tools', relpath), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ, **env))


def assert_one_line_error(done: subprocess.CompletedProcess,
                          *fragments) -> str:
    """Check that a tool stopped with a one-line ``error: ...`` holding
    ``fragments``, no traceback and no known warning noise; return it."""
    assert done.returncode != 0
    assert 'Traceback' not in done.stderr, done.stderr[-3000:]
    assert 'pkg_resources is deprecated' not in done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith('error: '), done.stderr[-3000:]
    for fragment in fragments:
        assert fragment in line, line
    return line


def gt_records(ann: dict) -> list:
    """The ground truth of a YouTube-VIS json as official result records
    (compressed RLE), score 0.9."""
    from pycocotools import mask as mask_utils
    records = []
    for gt in ann['annotations']:
        segmentations = []
        for rle in gt['segmentations']:
            if rle is not None:
                rle = mask_utils.frPyObjects(rle, *rle['size'])
                rle['counts'] = rle['counts'].decode()
            segmentations.append(rle)
        records.append(
            dict(
                video_id=gt['video_id'],
                category_id=gt['category_id'],
                score=0.9,
                segmentations=segmentations))
    return records


def random_sequences(rng: np.random.Generator,
                     num: int,
                     num_frames: int = 6,
                     size=(24, 32)):
    """Dense (S, T, H, W) masks of moving boxes, some absent in frames,
    and the same as RLE (None where absent)."""
    from pycocotools import mask as mask_utils
    dense = np.zeros((num, num_frames, *size), bool)
    for s in range(num):
        y, x = rng.integers(0, 12), rng.integers(0, 16)
        h, w = rng.integers(4, 12), rng.integers(4, 16)
        for t in range(num_frames):
            if rng.random() < 0.2:
                continue  # absent
            dy, dx = rng.integers(-2, 3, 2)
            dense[s, t,
                  max(y + dy, 0):y + dy + h,
                  max(x + dx, 0):x + dx + w] = 1
    rles = [[
        mask_utils.encode(np.asfortranarray(dense[s, t].astype(np.uint8)))
        if dense[s, t].any() else None for t in range(num_frames)
    ] for s in range(num)]
    return dense, rles


@pytest.fixture(scope='session', name='random_sequences')
def random_sequences_fixture():
    return random_sequences


@pytest.fixture(scope='session', name='gt_records')
def gt_records_fixture():
    return gt_records


@pytest.fixture(scope='session', name='run_tool')
def run_tool_fixture():
    return run_tool


@pytest.fixture(scope='session', name='assert_one_line_error')
def assert_one_line_error_fixture():
    return assert_one_line_error


@pytest.fixture(scope='session', name='frame_samples')
def frame_samples_fixture():
    return frame_samples


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO_ROOT


@pytest.fixture(scope='session', name='load_tool')
def load_tool_fixture():
    return load_tool


@pytest.fixture(scope='session')
def toy_root(tmp_path_factory) -> str:
    """A tiny toy set, written and prepared as a user would (2019 layout)."""
    from mmpr.datasets.toy_vis import make_toy_vis
    root = str(tmp_path_factory.mktemp('toy'))
    make_toy_vis(root, preset='tiny', seed=0)
    converter = load_tool('dataset_converters/youtubevis2coco.py')
    vis_root = osp.join(root, 'youtube_vis_2019')
    module = converter.load_mmdet_converter()
    for split in ('train', 'valid'):
        converter.convert_split(module, osp.join(vis_root, f'{split}.json'),
                                osp.join(vis_root, 'annotations'), '2019',
                                split)
    return root


@pytest.fixture(scope='session')
def toy_layout_root(tmp_path_factory):
    """``root(version)``: a tiny toy set in a YouTube-VIS version's or OVIS's
    layout (``'2022'``, ``'ovis'``), written and prepared with the tools as a
    user would; each is written once per session."""
    from mmpr.datasets.toy_vis import make_toy_vis
    roots = {}

    def root(version: str) -> str:
        if version not in roots:
            roots[version] = str(tmp_path_factory.mktemp(f'toy_{version}'))
            make_toy_vis(
                roots[version], preset='tiny', version=version, davis=False)
            vis_root = osp.join(
                roots[version],
                'ovis' if version == 'ovis' else f'youtube_vis_{version}')
            done = run_tool('dataset_converters/youtubevis2coco.py', '-i',
                            vis_root, '--version', version)
            assert done.returncode == 0, done.stderr
        return roots[version]

    return root


class ToyVideoFiles(NamedTuple):
    """One toy video as arrays, as an mp4 (mp4v) and as a PNG folder."""
    frames: List[np.ndarray]  # T x (H, W, 3) BGR uint8
    mp4: str
    folder: str


TOY_VIDEO_FRAMES = 8


@pytest.fixture(scope='session')
def toy_video(tmp_path_factory) -> ToyVideoFiles:
    """An 8-frame toy video (112 x 192) for the API and the demo tools."""
    import cv2

    from mmpr.datasets.toy_vis import PRESETS, ToyVideo
    size = replace(
        PRESETS['tiny'], frames=(TOY_VIDEO_FRAMES, TOY_VIDEO_FRAMES))
    frames = [
        image
        for image, _ in ToyVideo.draw(np.random.default_rng(0), size).frames()
    ]
    root = tmp_path_factory.mktemp('video')
    mp4 = str(root / 'video.mp4')
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(mp4, cv2.VideoWriter_fourcc(*'mp4v'), 5,
                             (width, height))
    for frame in frames:
        writer.write(frame)
    writer.release()
    folder = root / 'frames'
    folder.mkdir()
    for t, frame in enumerate(frames):
        cv2.imwrite(str(folder / f'{t:05d}.png'), frame)  # lossless
    return ToyVideoFiles(frames, mp4, str(folder))


TOY_CONFIGS = dict(
    seq='configs/toy/seq-mask-rcnn_r18_fpn_1xb2-1200i_toy-vis.py',
    masktrack='configs/toy/masktrack-rcnn_r18_fpn_1xb2-1200i_toy-vis.py')


@pytest.fixture(scope='session')
def toy_checkpoints(tmp_path_factory) -> Dict[str, str]:
    """Untrained, seeded checkpoints (``{'state_dict': ...}``) of the toy
    Seq Mask R-CNN and MaskTrack R-CNN, by the keys of ``TOY_CONFIGS``."""
    import torch
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from mmpr.registry import MODELS
    root = tmp_path_factory.mktemp('checkpoints')
    checkpoints = {}
    for name, config in TOY_CONFIGS.items():
        torch.manual_seed(0)  # the same random weights on every run
        with DefaultScope.overwrite_default_scope('mmpr'):
            model = MODELS.build(
                Config.fromfile(osp.join(REPO_ROOT, config)).model)
        checkpoints[name] = str(root / f'{name}.pth')
        torch.save(dict(state_dict=model.state_dict()), checkpoints[name])
    return checkpoints
