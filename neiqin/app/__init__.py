"""NeiQin app layer."""
