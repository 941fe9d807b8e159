"""Timeledger: self-hosted time tracking and workforce time-management server."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("timeledger")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

PRODUCT_NAME = "Timeledger"
