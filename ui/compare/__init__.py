"""Compare page: this session's models against classical baselines on the same split."""
