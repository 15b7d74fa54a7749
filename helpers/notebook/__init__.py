"""The notebook layer: setup, plotting, widgets and the exercise checks (see helpers/README.md)."""
