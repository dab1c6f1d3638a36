"""plotboard: self-hosted embedded analytics."""

__version__ = "0.1.0"
