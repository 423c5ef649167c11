"""What the workspaces area tells the areas above it, which it may not import."""

from django.dispatch import Signal

# Sent inside the transaction that changed a workspace's reporting time zone, with ``workspace`` and
# ``old_zone``: whatever is counted per day in that zone (score rollups) is recounted by its owner.
reporting_zone_changed = Signal()

# Sent inside the transaction that created a workspace, with ``workspace`` and ``owner``: areas that give a new
# workspace something to start from (the guides' question bank) add it here, and roll back with it.
workspace_created = Signal()
