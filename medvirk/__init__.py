"""Medvirk: user surveys, equity and participation for Norwegian municipalities."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("medvirk")  # from pyproject.toml (docs/operations.md, CHANGELOG.md)
except PackageNotFoundError:  # pragma: no cover — running from a checkout that was never installed
    __version__ = "0.0.0"
