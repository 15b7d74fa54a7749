"""The data layer: the course's files and what turns data into arrays (see helpers/README.md).
``from helpers import data`` gives the loaders notebooks call; the rest is in ``files``."""

from helpers.data.files import DataUnavailableError, dataset_names, load_names, load_series, load_text, path

__all__ = ["DataUnavailableError", "dataset_names", "load_names", "load_series", "load_text", "path"]
