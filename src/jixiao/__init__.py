"""jixiao 绩效: read, review, store and score budget performance-target tables."""

from .model import Contact, Funds, Indicator, Source, TargetTable

__version__ = "0.1.0"

__all__ = ["Contact", "Funds", "Indicator", "Source", "TargetTable", "__version__"]
