"""The torch layer: the models of notebooks 07-08, their one training loop (``training.fit``),
sampling, surprisal, and torch twins of the numpy networks (see helpers/README.md)."""
