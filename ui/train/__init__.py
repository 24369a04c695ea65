"""Train page: the model composer, training settings, live training and results."""
