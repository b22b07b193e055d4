"""Core revisions: ``core_NNNN``; the first carries the branch label ``core``."""
