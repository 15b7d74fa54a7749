"""The notebook layer: setting up a notebook, plotting, widgets and the exercise checks
(``feedback``). May import every other layer; nothing imports it but notebooks (and
``helpers.setup_notebook``)."""
