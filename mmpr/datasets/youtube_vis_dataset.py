"""Video sets in the YouTube-VIS json layout: YouTube-VIS 2019, 2021 and
2022, and OVIS.

All are prepared by ``tools/dataset_converters/youtubevis2coco.py``
(``--version 2019|2021|2022|ovis``) into CocoVID files read by mmdet's
video dataset; they differ in their classes:

- YouTube-VIS 2022 keeps the 2021 classes and train set; its valid set adds
  long videos to 2021's (scored apart: ``YouTubeVISMetric``'s
  ``long_video_frames``).
- OVIS (Occluded Video Instance Segmentation, Qi et al., IJCV 2022): 25
  classes, 607 train, 140 valid and 154 test videos, longer and more
  crowded than YouTube-VIS's; valid and test are scored by its server.
"""
from mmdet.datasets import YouTubeVISDataset as MMDetYouTubeVISDataset

from mmpr.registry import DATASETS

# the category names and order (ids 1..25) of the official OVIS jsons
OVIS_CLASSES = ('Person', 'Bird', 'Cat', 'Dog', 'Horse', 'Sheep', 'Cow',
                'Elephant', 'Bear', 'Zebra', 'Giraffe', 'Poultry',
                'Giant_panda', 'Lizard', 'Parrot', 'Monkey', 'Rabbit', 'Tiger',
                'Fish', 'Turtle', 'Bicycle', 'Motorcycle', 'Airplane', 'Boat',
                'Vehical')


@DATASETS.register_module()
class YouTubeVISDataset(MMDetYouTubeVISDataset):
    """mmdet's YouTube-VIS dataset, also for ``dataset_version='2022'``.

    Registered under mmdet's name, so ``type='YouTubeVISDataset'`` in an
    mmpr config gets this class.

    Args:
        dataset_version (str): ``'2019'``, ``'2021'`` or ``'2022'``.
        **kwargs: :class:`mmdet.datasets.YouTubeVISDataset` arguments.
    """

    @classmethod
    def set_dataset_classes(cls, dataset_version: str) -> None:
        """Set the classes of a version (2022: the 2021 classes)."""
        super().set_dataset_classes('2021' if dataset_version ==
                                    '2022' else dataset_version)


@DATASETS.register_module()
class OVISDataset(YouTubeVISDataset):
    """OVIS videos from a CocoVID json (``youtubevis2coco.py --version
    ovis``), with the 25 OVIS classes.

    Args:
        dataset_version (str): ``'ovis'`` (the only one). Defaults to
            ``'ovis'``.
        **kwargs: :class:`mmdet.datasets.YouTubeVISDataset` arguments.
    """
    METAINFO = dict(classes=OVIS_CLASSES)

    def __init__(self, *args, dataset_version: str = 'ovis', **kwargs):
        super().__init__(dataset_version, *args, **kwargs)

    @classmethod
    def set_dataset_classes(cls, dataset_version: str) -> None:
        """Check the version; the classes are OVIS's."""
        if dataset_version != 'ovis':
            raise ValueError("OVISDataset reads OVIS (dataset_version='ovis')"
                             f', got {dataset_version!r}')
        cls.METAINFO = dict(classes=OVIS_CLASSES)


def youtube_vis_classes(dataset_version: str) -> tuple:
    """The class names of a version of a YouTube-VIS layout data set
    (``'2019'``, ``'2021'``, ``'2022'`` or ``'ovis'``).

    mmdet sets them on the class that calls ``set_dataset_classes``, so a
    throwaway subclass reads them without touching the data set classes.
    """
    base = OVISDataset if dataset_version == 'ovis' else YouTubeVISDataset

    class _Classes(base):
        pass

    _Classes.set_dataset_classes(dataset_version)
    return _Classes.METAINFO['classes']
