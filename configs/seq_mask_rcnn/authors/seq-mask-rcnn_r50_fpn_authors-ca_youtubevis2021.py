# The authors' released R50 YouTube-VIS 2021 model with their category-aware
# reduction (CateAwareReduce; their model zoo: AP 41.7 / AR10 54.9); the same
# converted checkpoint as seq-mask-rcnn_r50_fpn_authors_youtubevis2021.py.
_base_ = './seq-mask-rcnn_r50_fpn_authors_youtubevis2021.py'

model = dict(_base_.authors_category_aware)
test_evaluator = dict(_base_.authors_category_aware_records)
