"""The search page's messages (zh/en) live with the shell's UI labels (web/labels.py) for now; facet
labels come from the code lists. This module is the feature's place for new ones."""

from __future__ import annotations
