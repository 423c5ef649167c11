"""Journey templates: the stages a new journey starts with, renamed, reordered or removed afterwards."""

from dataclasses import dataclass


@dataclass(frozen=True)
class JourneyTemplate:
    key: str
    label: str
    stages: tuple[str, ...]


TEMPLATES = (
    JourneyTemplate("business", "Business customer", ("Discover", "Buy", "Onboard", "Use", "Get help", "Renew")),
    JourneyTemplate("shipment", "A shipment, end to end", ("Quote", "Book", "Pick up", "In transit", "Deliver",
                                                            "Invoice")),
    JourneyTemplate("blank", "Blank: I will add the stages", ()),
)
BY_KEY = {t.key: t for t in TEMPLATES}
