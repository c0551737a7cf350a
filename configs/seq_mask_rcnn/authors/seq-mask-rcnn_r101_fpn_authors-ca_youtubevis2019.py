# The authors' released R101 YouTube-VIS 2019 model with their category-aware
# reduction (CateAwareReduce; their model zoo: AP 45.2 / AR10 59.0); the same
# converted checkpoint as seq-mask-rcnn_r101_fpn_authors_youtubevis2019.py.
_base_ = './seq-mask-rcnn_r101_fpn_authors_youtubevis2019.py'

model = dict(_base_.authors_category_aware)
test_evaluator = dict(_base_.authors_category_aware_records)
