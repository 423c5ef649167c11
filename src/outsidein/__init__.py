"""Outside-In: get leaders and their teams out of the building and learning from customers."""

__version__ = "0.1.0"
