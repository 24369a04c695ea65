"""Evaluate page: the threshold, its metrics and charts, and the most anomalous beats."""
