"""NeiQin base layer."""
