"""NeiQin core layer."""
