import os.path as osp
from typing import Optional, Sequence

import mmcv
from mmengine.hooks import Hook
from mmengine.visualization import Visualizer

from mmpr.registry import HOOKS


@HOOKS.register_module()
class SequenceVisualizationHook(Hook):
    """Draw the predicted instance sequences of every test video.

    Writes ``<out_dir>/<video folder>/<frame file>`` for every frame, drawn
    by the runner's visualizer (:class:`SequenceVisualizer`) from the video's
    ``pred_sequences``. The video folder
    is the frame's parent folder (YouTube-VIS and DAVIS layouts).

    Args:
        draw (bool): Whether to draw. Defaults to False.
        out_dir (str, optional): Output folder; needed when ``draw``.
        score_thr (float): Sequences scoring below are not drawn. Defaults
            to 0.3.
    """

    priority = 'NORMAL'

    def __init__(self,
                 draw: bool = False,
                 out_dir: Optional[str] = None,
                 score_thr: float = 0.3) -> None:
        if draw and out_dir is None:
            raise ValueError('SequenceVisualizationHook needs out_dir to draw')
        self.draw = draw
        self.out_dir = out_dir
        self.score_thr = score_thr

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch: Optional[dict] = None,
                        outputs: Optional[Sequence] = None) -> None:
        if not self.draw:
            return
        visualizer = Visualizer.get_current_instance()
        for video in outputs or []:
            sequences = video.pred_sequences
            for t, frame in enumerate(video):
                image = mmcv.imread(frame.img_path, channel_order='rgb')
                drawn = visualizer.draw_frame(image,
                                              sequences.frame_instances(t),
                                              self.score_thr)
                video_name = osp.basename(osp.dirname(frame.img_path))
                mmcv.imwrite(
                    mmcv.rgb2bgr(drawn),
                    osp.join(self.out_dir, video_name,
                             osp.basename(frame.img_path)))
