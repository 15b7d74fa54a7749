"""The torch layer: torch twins of the numpy networks, the character language model,
the sequence classifier, the forecaster, one training loop (``training.fit``) for all of
them, sampling and surprisal. Imports ``helpers.validation``, ``helpers.data`` and
``helpers.numpy_nets``."""
