"""Datasets, samplers and transforms of mmpr, and the synthetic toy VIS set."""
