# The authors' released R50 YouTube-VIS 2019 model with their category-aware
# reduction (CateAwareReduce; their model zoo: AP 42.5 / AR10 56.8); the same
# converted checkpoint as seq-mask-rcnn_r50_fpn_authors_youtubevis2019.py.
_base_ = './seq-mask-rcnn_r50_fpn_authors_youtubevis2019.py'

model = dict(_base_.authors_category_aware)
test_evaluator = dict(_base_.authors_category_aware_records)
