"""Seminarium: run international judicial seminars online."""

__version__ = "0.1.0"
