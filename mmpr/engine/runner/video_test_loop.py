"""A test loop over whole videos that keeps each finished video's result."""
import hashlib
import json
import os
import os.path as osp
from typing import Dict, List, Union

import torch
from mmengine.dist import get_rank
from mmengine.runner import TestLoop
from mmengine.runner.amp import autocast
from torch.utils.data import DataLoader

from mmpr.registry import LOOPS
from mmpr.structures import InstanceSequences
from mmpr.utils import CheckpointError, VideoFailedError, one_line

RESULTS_DIR = 'video_results'


def video_name(info: dict) -> str:
    """A video's name from its data info (its frames' folder)."""
    frame = info['images'][0]
    return frame.get('video_name') or osp.basename(
        osp.dirname(frame['img_path']))


def read_video_results(results_dir: str) -> Dict[int, InstanceSequences]:
    """The videos finished in earlier runs: every rank's file of
    ``results_dir`` (a line cut short by a kill is left out: its video is
    run again)."""
    done = {}
    if not osp.isdir(results_dir):
        return done
    for name in sorted(os.listdir(results_dir)):
        if not name.endswith('.jsonl'):
            continue
        with open(osp.join(results_dir, name)) as file:
            for line in file:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                done[record['video_id']] = InstanceSequences.from_dict(
                    record['sequences'])
    return done


@LOOPS.register_module()
class VideoTestLoop(TestLoop):
    """mmengine's :class:`TestLoop` over whole videos, resumable.

    As each video finishes, its :class:`InstanceSequences` (the model's
    output, before the metric) are appended as one json line to
    ``{work_dir}/video_results/rank{rank}.jsonl`` and flushed. With
    ``resume``, a video found there (any rank's file) is not run again: its
    frames are loaded for the metric and the kept result is handed to the
    metric in its place, so the metrics and files equal those of one
    uninterrupted run; ``run.json`` there names the checkpoint, the model
    config and the precision, and ``resume`` refuses results of others.
    Without ``resume`` an earlier run's files are kept aside
    (``*.jsonl.prev``).

    Args:
        runner (Runner): The runner.
        dataloader (DataLoader | dict): One video per batch.
        evaluator (Evaluator | dict | list): The metrics.
        fp16 (bool): Autocast. Defaults to False.
        resume (bool): Skip the videos of earlier runs' files. Defaults to
            False.
        skip_failed (bool): A video that fails (loading or inference, e.g.
            out of memory) is named in one line and left out, and the loop
            goes on; the skipped videos are listed at the end. Defaults to
            False (the error stops the run).
    """

    def __init__(self,
                 runner,
                 dataloader: Union[DataLoader, Dict],
                 evaluator: Union[Dict, List],
                 fp16: bool = False,
                 resume: bool = False,
                 skip_failed: bool = False) -> None:
        super().__init__(runner, dataloader, evaluator, fp16)
        self.resume = resume
        self.skip_failed = skip_failed
        self.results_dir = osp.join(runner.work_dir, RESULTS_DIR)
        self.skipped: List[str] = []

    def _check_run(self) -> None:
        """Keep (fresh run) or check (resume) what the kept results are of:
        the checkpoint, the model config and the precision."""
        cfg = self.runner.cfg
        checkpoint = cfg.get('load_from') or ''
        model = json.dumps(cfg.model.to_dict(), sort_keys=True, default=str)
        run = dict(
            checkpoint=osp.abspath(checkpoint) if checkpoint else None,
            model=hashlib.sha1(model.encode()).hexdigest(),
            fp16=self.fp16)
        path = osp.join(self.results_dir, 'run.json')
        if self.resume and osp.isfile(path):
            with open(path) as file:
                kept = json.load(file)
            if kept != run:
                raise CheckpointError(
                    f'{self.results_dir} holds results of another run '
                    f'(checkpoint {kept.get("checkpoint")}, another model '
                    'config or precision); --resume with the same checkpoint, '
                    'config and options, or pass another --work-dir')
        elif get_rank() == 0:
            with open(path, 'w') as file:
                json.dump(run, file)

    def run(self) -> dict:
        """Run the videos (or restore them), then evaluate all."""
        os.makedirs(self.results_dir, exist_ok=True)
        self._check_run()
        done = read_video_results(self.results_dir) if self.resume else {}
        results_file = osp.join(self.results_dir, f'rank{get_rank()}.jsonl')
        if not self.resume and osp.isfile(results_file):
            os.replace(results_file, results_file + '.prev')
        if done:
            self.runner.logger.info(
                f'resuming: {len(done)} videos done in {self.results_dir}')
        self.runner.call_hook('before_test')
        self.runner.call_hook('before_test_epoch')
        self.runner.model.eval()
        dataset = self.dataloader.dataset
        indices = list(self.dataloader.batch_sampler
                       or self.dataloader.sampler)
        batches = iter(self.dataloader)
        with open(results_file, 'a') as out:
            for idx, batch_indices in enumerate(indices):
                info = dataset.get_data_info(_first(batch_indices))
                name = f"video {info['video_id']} ({video_name(info)})"
                try:
                    data_batch = next(batches)
                    self._run_video(idx, data_batch, info['video_id'], done,
                                    out)
                except Exception as error:
                    self._skip(name, error)
        metrics = self.evaluator.evaluate(len(dataset))
        if self.skipped:
            self.runner.logger.warning(
                f'{len(self.skipped)} videos skipped, not in the metrics: ' +
                ', '.join(self.skipped))
        self.runner.call_hook('after_test_epoch', metrics=metrics)
        self.runner.call_hook('after_test')
        return metrics

    def _skip(self, name: str, error: Exception) -> None:
        """Leave out a failed video with ``skip_failed``, else stop."""
        if not self.skip_failed:
            raise VideoFailedError(
                f'{name} failed ({one_line(error)}); tools/test.py '
                '--skip-failed leaves it out and goes on, --resume keeps the '
                'videos done') from error
        self.skipped.append(name)
        self.runner.logger.error(
            f'{name} failed ({one_line(error)}); skipped (--skip-failed)')

    @torch.no_grad()
    def _run_video(self, idx: int, data_batch: dict, video_id: int,
                   done: Dict[int, InstanceSequences], out) -> None:
        """Run one video, keep its result, process it; or process the
        result kept of it (no hook runs then: it was timed and drawn when it
        ran)."""
        if video_id in done:
            outputs = data_batch['data_samples']
            outputs[0].pred_sequences = done[video_id]
            self.evaluator.process(data_samples=outputs, data_batch=data_batch)
            return
        self.runner.call_hook(
            'before_test_iter', batch_idx=idx, data_batch=data_batch)
        try:
            with autocast(enabled=self.fp16):
                outputs = self.runner.model.test_step(data_batch)
        except Exception:
            self.runner.call_hook(
                'after_test_iter',
                batch_idx=idx,
                data_batch=data_batch,
                outputs=[])
            if torch.cuda.is_available():
                torch.cuda.empty_cache()  # e.g. after out of memory
            raise
        sequences = outputs[0].get('pred_sequences')
        if sequences is not None:
            record = dict(video_id=video_id, sequences=sequences.to_dict())
            out.write(json.dumps(record) + '\n')
            out.flush()
            os.fsync(out.fileno())
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        self.runner.call_hook(
            'after_test_iter',
            batch_idx=idx,
            data_batch=data_batch,
            outputs=outputs)


def _first(batch_indices: Union[int, List[int]]) -> int:
    """The dataset index of a batch of one video."""
    return batch_indices[0] if isinstance(batch_indices,
                                          list) else batch_indices
