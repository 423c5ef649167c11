"""What the conversations area tells the areas above it, which it may not import."""

from django.dispatch import Signal

# Sent when a person opens a conversation's page, with ``conversation`` and ``user``: engagement counts its
# highlights as reaching that person relayed (unless they were there).
conversation_viewed = Signal()
