"""``python -m jixiao.rules`` writes the rules catalogue (docs/rules.md) to standard output."""

import sys

from . import catalogue_markdown

sys.stdout.write(catalogue_markdown())
