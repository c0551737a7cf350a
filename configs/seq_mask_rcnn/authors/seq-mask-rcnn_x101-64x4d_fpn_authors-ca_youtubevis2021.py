# The authors' released X101-64x4d YouTube-VIS 2021 model with their
# category-aware reduction (CateAwareReduce; their model zoo: AP 47.2 / AR10
# 57.6); the same converted checkpoint as
# seq-mask-rcnn_x101-64x4d_fpn_authors_youtubevis2021.py.
_base_ = './seq-mask-rcnn_x101-64x4d_fpn_authors_youtubevis2021.py'

model = dict(_base_.authors_category_aware)
test_evaluator = dict(_base_.authors_category_aware_records)
