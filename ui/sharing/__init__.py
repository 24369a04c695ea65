"""Sharing: links, the link codec, settings files, classroom mode and lessons."""
