"""Deploying Anomaly Lab beyond one process: nginx in front of app replicas, and the local workshop stack."""
