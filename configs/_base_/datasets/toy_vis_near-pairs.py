# The toy set with guidance frames near the query (toy_vis.py otherwise)
_base_ = './toy_vis.py'

# guidance frames at most 3 frames from the query: the short-range pairs
# that inference propagates over (the memory holds recent frames), easy
# enough to learn identity from early on
video_train_pipeline = [
    dict(type='GuidanceFrameSample', frame_range=3),
    *_base_.video_train_pipeline[1:]
]
train_dataloader = dict(
    dataset=dict(datasets=[
        _base_.train_dataloader.dataset.datasets[0],
        dict(
            _base_.train_dataloader.dataset.datasets[1],
            pipeline=video_train_pipeline)
    ]))
