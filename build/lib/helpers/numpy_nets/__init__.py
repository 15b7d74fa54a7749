"""The numpy layer: activations, the multilayer network, the simple recurrent network,
the LSTM and the GRU (each with step, forward and backward on a named cache), their
shared parts, the optimisers, gradient checks, gradient-flow measurements, generation
from a model one token at a time, and metrics. Imports ``helpers.validation`` and
``helpers.data``; never torch."""
