"""Home page: the ready model at work, four short lessons and the guided demo."""
