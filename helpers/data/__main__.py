"""``python -m helpers.data`` (``make data``): fetch and verify every dataset."""

from helpers.data.files import main

raise SystemExit(main())
