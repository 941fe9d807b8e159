"""The Tyme face's routers."""

from timeledger.compat.tyme.data import data
from timeledger.compat.tyme.entities import entities
from timeledger.compat.tyme.members import members
from timeledger.compat.tyme.oauth import oauth
from timeledger.compat.tyme.sync import sync
from timeledger.compat.tyme.webhooks import webhooks

TYME_ROUTERS = (oauth, members, data, entities, webhooks, sync)
