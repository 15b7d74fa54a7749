"""The data layer: the course's files (registry, verified cache, loaders) and what turns
data into arrays (text and vocabularies, one-hot codes, splits, padded batches, series
windows, the digits, the toy grammar). Imports only ``helpers.validation``.
``from helpers import data`` gives the loaders notebooks call; the rest is in ``files``."""

from helpers.data.files import DataUnavailableError, dataset_names, load_names, load_series, load_text, path

__all__ = ["DataUnavailableError", "dataset_names", "load_names", "load_series", "load_text", "path"]
