"""Draw page: draw or bend a heartbeat and see how the current model scores it."""
