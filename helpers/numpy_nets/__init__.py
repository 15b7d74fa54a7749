"""The numpy layer: the networks of notebooks 01-06 (MLP, SRN, LSTM, GRU), what they share,
optimisers, generation, gradient checks and metrics; never torch (see helpers/README.md)."""
