import numpy as np
import torch
from mmengine.structures import InstanceData

from mmpr.visualization import SequenceVisualizer, sequence_color


def test_sequence_colors_are_stable_and_distinct():
    assert sequence_color(3) == sequence_color(3)
    colors = {sequence_color(i) for i in range(20)}
    assert len(colors) == 20


def test_draws_each_sequence_in_its_colour():
    image = np.zeros((40, 60, 3), np.uint8)
    masks = np.zeros((2, 40, 60), np.uint8)
    masks[0, 5:15, 5:20] = 1
    masks[1, 20:35, 30:55] = 1
    instances = InstanceData(
        instances_id=torch.tensor([4, 9]),
        labels=torch.tensor([0, 2]),
        scores=torch.tensor([0.9, 0.8]),
        bboxes=torch.tensor([[5., 5., 20., 15.], [30., 20., 55., 35.]]),
        masks=torch.from_numpy(masks.astype(bool)))
    visualizer = SequenceVisualizer()
    visualizer.dataset_meta = dict(classes=('disc', 'square', 'triangle'))
    drawn = visualizer.draw_frame(image, instances)
    assert drawn.shape == image.shape
    for mask, sequence_id in zip(masks, (4, 9)):
        inside = np.median(drawn[mask.astype(bool)].reshape(-1, 3), axis=0)
        color = np.array(sequence_color(sequence_id))
        # on a black image the mask shows a shade of the sequence colour
        cosine = inside @ color / np.linalg.norm(inside) / np.linalg.norm(
            color)
        assert cosine > 0.99 and inside.max() > 60
    assert (drawn[38:, :3] == 0).all()  # background untouched
