import copy
import random
from collections import Counter

import cv2
import numpy as np
import pytest
from mmdet.structures.bbox import HorizontalBoxes
from mmdet.structures.mask import BitmapMasks

from mmpr.datasets.transforms import PseudoVideoSample, RotateFrame

HEIGHT, WIDTH = 80, 160


def one_image_video():
    frame = dict(
        img_id=3,
        img_path='img.jpg',
        frame_id=0,
        height=HEIGHT,
        width=WIDTH,
        instances=[dict(instance_id=11, bbox_label=0, bbox=[0, 0, 4, 4])])
    return dict(video_id=3, video_length=1, images=[frame])


def test_pseudo_video_sample_pairs():
    random.seed(0)
    pairs = Counter()
    for _ in range(300):
        results = PseudoVideoSample()(one_image_video())
        flags = results['key_frame_flags']
        assert sum(flags) == 1 and len(flags) == 2
        frame_ids = results['frame_id']
        assert frame_ids[0] < frame_ids[1]
        assert [(-30, 0, 30)[i] for i in frame_ids] == results['rotate_angle']
        assert results['img_path'] == ['img.jpg'] * 2
        assert results['video_length'] == [2, 2]
        assert results['ori_video_length'] == [3, 3]
        query = frame_ids[flags.index(True)]
        guidance = frame_ids[flags.index(False)]
        pairs[query, guidance] += 1
    # every ordered pair of different pseudo frames is drawn
    assert set(pairs) == {(q, g) for q in range(3) for g in range(3) if q != g}


def test_pseudo_video_sample_leaves_the_video_unchanged():
    source = one_image_video()
    PseudoVideoSample(angles=(0, 15))(source)
    assert source == one_image_video()


@pytest.mark.parametrize('angles', [(30, ), (0, 0), ()])
def test_pseudo_video_sample_bad_angles(angles):
    with pytest.raises(ValueError, match='at least two different angles'):
        PseudoVideoSample(angles=angles)


def test_pseudo_video_sample_needs_one_image():
    source = one_image_video()
    source['images'] = source['images'] * 2
    with pytest.raises(ValueError, match='one-image videos, got 2 frames'):
        PseudoVideoSample()(source)


def blob_masks():
    """(5, H, W) masks: centred ellipse, off-centre box, two small blobs and
    a corner blob that any +-30 degree rotation moves off the canvas."""
    masks = np.zeros((5, HEIGHT, WIDTH), np.uint8)
    cv2.ellipse(masks[0], (WIDTH // 2, HEIGHT // 2), (30, 18), 0, 0, 360, 1,
                -1)
    masks[1, 10:30, 100:140] = 1
    masks[2, 50:60, 40:55] = 1
    masks[3, 20:28, 20:30] = 1
    masks[4, :3, :3] = 1
    return BitmapMasks(masks, HEIGHT, WIDTH)


def tight_boxes(masks):
    boxes = []
    for mask in masks:
        ys, xs = np.nonzero(mask)
        boxes.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
    return np.array(boxes, np.float32).reshape(-1, 4)


def frame_results(angle):
    masks = blob_masks()
    img = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    img[masks.masks[0].astype(bool)] = 200
    return dict(
        img=img,
        img_shape=(HEIGHT, WIDTH),
        rotate_angle=angle,
        gt_masks=masks,
        gt_bboxes=tight_boxes(masks.masks),
        gt_bboxes_labels=np.array([0, 1, 2, 1, 0], np.int64),
        gt_instances_ids=np.array([10, 11, 12, 13, 14], np.int32),
        gt_ignore_flags=np.array([False, False, True, False, False]))


def iou(a, b):
    a, b = a.astype(bool), b.astype(bool)
    return (a & b).sum() / (a | b).sum()


def test_rotate_zero_is_identity():
    expected = frame_results(0)
    results = RotateFrame()(frame_results(0))
    assert 'homography_matrix' not in results
    np.testing.assert_array_equal(results['img'], expected['img'])
    np.testing.assert_array_equal(results['gt_masks'].masks,
                                  expected['gt_masks'].masks)
    for key in ('gt_bboxes', 'gt_bboxes_labels', 'gt_instances_ids',
                'gt_ignore_flags'):
        np.testing.assert_array_equal(results[key], expected[key])


@pytest.mark.parametrize('angle', [30, -30])
def test_rotate_refits_boxes_and_drops_emptied_instances(angle):
    results = RotateFrame()(frame_results(angle))
    masks = results['gt_masks']
    assert isinstance(masks, BitmapMasks)
    assert masks.masks.shape == (4, HEIGHT, WIDTH)
    assert masks.areas.min() > 0
    # the corner blob left the canvas; the rest stayed consistent
    np.testing.assert_array_equal(results['gt_instances_ids'],
                                  [10, 11, 12, 13])
    np.testing.assert_array_equal(results['gt_bboxes_labels'], [0, 1, 2, 1])
    np.testing.assert_array_equal(results['gt_ignore_flags'],
                                  [False, False, True, False])
    assert isinstance(results['gt_bboxes'], np.ndarray)
    assert results['gt_bboxes'].dtype == np.float32
    np.testing.assert_array_equal(results['gt_bboxes'],
                                  tight_boxes(masks.masks))
    # the image turned with its masks
    assert iou(results['img'][..., 0] > 100, masks.masks[0]) > 0.95
    assert results['img'].shape == (HEIGHT, WIDTH, 3)
    # the box of the ellipse turned too
    source = frame_results(0)
    assert not np.array_equal(results['gt_bboxes'][0], source['gt_bboxes'][0])
    assert results['homography_matrix'].shape == (3, 3)


def test_rotate_there_and_back():
    there = RotateFrame()(frame_results(30))
    back = RotateFrame()(dict(there, rotate_angle=-30))
    original = blob_masks().masks[0]
    assert iou(back['gt_masks'].masks[0], original) > 0.9
    assert iou(there['gt_masks'].masks[0], original) < 0.9


def test_rotate_accepts_box_objects():
    results = frame_results(30)
    results['gt_bboxes'] = HorizontalBoxes(results['gt_bboxes'])
    results = RotateFrame()(results)
    assert isinstance(results['gt_bboxes'], HorizontalBoxes)
    np.testing.assert_array_equal(results['gt_bboxes'].numpy(),
                                  tight_boxes(results['gt_masks'].masks))


def test_rotate_image_only():
    results = frame_results(30)
    for key in ('gt_masks', 'gt_bboxes'):
        del results[key]
    image = copy.deepcopy(results['img'])
    results = RotateFrame()(results)
    assert not np.array_equal(results['img'], image)


def test_rotate_errors():
    results = frame_results(30)
    del results['rotate_angle']
    with pytest.raises(KeyError, match='rotate_angle'):
        RotateFrame()(results)
    results = frame_results(30)
    del results['gt_masks']
    with pytest.raises(TypeError, match='refits boxes to BitmapMasks'):
        RotateFrame()(results)
