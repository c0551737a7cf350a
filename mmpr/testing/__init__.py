"""Data generators for tests and demos: the synthetic toy VIS set."""
