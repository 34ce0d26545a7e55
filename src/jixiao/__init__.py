"""jixiao 绩效: read, review, store and score budget performance-target tables."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .model import Contact, Funds, Indicator, Source, TargetTable

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """The model's classes, imported on first use (pydantic is not loaded for ``--help``)."""
    if name in ("Contact", "Funds", "Indicator", "Source", "TargetTable"):
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")


__all__ = ["Contact", "Funds", "Indicator", "Source", "TargetTable", "__version__"]
