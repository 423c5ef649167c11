"""The customer journey canvas: a segment's journey in stages and touchpoints, what we believe each touchpoint
does for the customer against what the evidence (highlights, feedback) says they experience."""
