"""The mite face's routers."""

from timeledger.compat.mite.catalog import catalog
from timeledger.compat.mite.time_entries import time_entries

MITE_ROUTERS = (catalog, time_entries)
