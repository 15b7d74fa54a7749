"""The torch layer: the models of notebooks 07-09, their one training loop (``training.fit``),
sampling, surprisal, beam search, and torch twins of the numpy networks (see helpers/README.md)."""
