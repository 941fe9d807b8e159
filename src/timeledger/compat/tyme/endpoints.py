"""The Tyme face's routers."""

from timeledger.compat.tyme.members import members
from timeledger.compat.tyme.oauth import oauth

TYME_ROUTERS = (oauth, members)
