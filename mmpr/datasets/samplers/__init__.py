from .concat_track_img_sampler import ConcatTrackImgSampler

__all__ = ['ConcatTrackImgSampler']
