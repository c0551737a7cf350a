import numpy as np
import pytest
import torch
from pycocotools import mask as mask_utils

from mmpr.structures import InstanceSequences, encode_masks

H, W = 8, 10


def box_rle(x0, y0, x1, y1, size=(H, W)):
    mask = torch.zeros(1, *size, dtype=torch.bool)
    mask[0, y0:y1, x0:x1] = True
    return encode_masks(mask)[0]


@pytest.fixture
def sequences():
    # sequence 0 on frames 0 and 2, sequence 1 on frame 1 only, sequence 2
    # never present
    masks = [[box_rle(0, 0, 4, 4), None,
              box_rle(1, 1, 5, 5)], [None, box_rle(5, 2, 10, 8), None],
             [None, None, None]]
    class_scores = np.array(
        [[0.1, 0.7, 0.2], [0.6, 0.3, 0.04], [0.0, 0.0, 0.0]], np.float32)
    return InstanceSequences(masks, class_scores, (H, W), 3)


def test_scores_and_labels_are_eq2(sequences):
    np.testing.assert_array_equal(sequences.scores,
                                  np.array([0.7, 0.6, 0.0], np.float32))
    np.testing.assert_array_equal(sequences.labels, [1, 0, 0])
    assert sequences.frames(0) == [0, 2] and sequences.frames(2) == []


def test_records_skip_absent_sequences(sequences):
    best = sequences.to_records(video_id=4)
    assert [(r['category_id'], r['score'])
            for r in best] == [(2, pytest.approx(0.7)),
                               (1, pytest.approx(0.6))]
    assert best[0]['video_id'] == 4
    assert best[0]['segmentations'][1] is None
    per_class = sequences.to_records(video_id=4, category_score_thr=0.05)
    # sequence 0: classes 0.1, 0.7, 0.2; sequence 1: 0.6, 0.3 (not 0.04)
    assert [(r['category_id'], round(r['score'], 2))
            for r in per_class] == [(1, 0.1), (2, 0.7), (3, 0.2), (1, 0.6),
                                    (2, 0.3)]


def test_select_keeps_order_and_takes_new_scores(sequences):
    selected = sequences.select([1, 0])
    assert selected.masks[0] is sequences.masks[1]
    np.testing.assert_array_equal(selected.scores, np.float32([0.6, 0.7]))
    rescored = sequences.select([0], np.array([[-1.0, -1.0, 0.2]]))
    np.testing.assert_array_equal(rescored.labels, [2])
    assert rescored.num_frames == 3


def test_resize(sequences):
    resized = sequences.resize((2 * H, 2 * W))
    assert resized.mask_size == (2 * H, 2 * W)
    assert mask_utils.area(resized.masks[0][0]) == 64
    assert resized.masks[0][1] is None
    np.testing.assert_array_equal(resized.class_scores, sequences.class_scores)


def test_frame_instances_as_mmdet_tracks(sequences):
    frame = sequences.frame_instances(1)
    assert frame.instances_id.tolist() == [1]
    assert frame.masks.shape == (1, H, W) and frame.masks.dtype == torch.bool
    assert frame.masks[0].sum() == 30
    assert frame.bboxes.tolist() == [[5, 2, 10, 8]]
    assert frame.labels.tolist() == [0]
    torch.testing.assert_close(frame.scores, torch.tensor([0.6]))
    assert frame.class_scores.shape == (1, 3)
    assert len(sequences.frame_instances(0)) == 1


def test_checks_its_shape():
    with pytest.raises(ValueError, match='class score rows'):
        InstanceSequences([[None]], np.zeros((2, 3)), (H, W), 1)
    with pytest.raises(ValueError, match='one mask'):
        InstanceSequences([[None]], np.zeros((1, 3)), (H, W), 2)


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_dict_round_trip_is_exact(sequences, dtype):
    import json
    sequences.class_scores = (sequences.class_scores / 3).astype(dtype)
    back = InstanceSequences.from_dict(
        json.loads(json.dumps(sequences.to_dict())))
    assert back.masks == sequences.masks
    assert back.class_scores.dtype == dtype
    np.testing.assert_array_equal(back.class_scores, sequences.class_scores)
    assert (back.mask_size, back.num_frames) == ((H, W), 3)
    empty = sequences.select([])
    back = InstanceSequences.from_dict(json.loads(json.dumps(empty.to_dict())))
    assert len(back) == 0 and back.class_scores.shape == (0, 3)


def test_crop_and_resize_keep_absent_frames_absent(sequences):
    cropped = sequences.crop((4, 4))
    assert cropped.mask_size == (4, 4)
    # sequence 1 lies right of column 5: nothing of it is left
    assert cropped.frames(0) == [0, 2] and cropped.frames(1) == []
    assert sequences.crop((H, W)) is sequences
    resized = cropped.resize((8, 8), mode='torch')
    assert resized.mask_size == (8, 8) and resized.frames(0) == [0, 2]
