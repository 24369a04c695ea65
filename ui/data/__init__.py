"""Data page: the ECG5000 classes, a beat browser, scaling and the current split."""
