"""The numpy layer: the networks of notebooks 01-06 (MLP, SRN, LSTM, GRU) and 09's attention, what they share,
optimisers, generation, gradient checks and metrics; never torch (see helpers/README.md)."""
