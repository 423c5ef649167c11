"""What the messages partial asks of a suggestion that its page's context does not hold."""

from django import template

from outsidein.customers.models import Person
from outsidein.loop.models import Suggestion

register = template.Library()


@register.simple_tag
def raisers_without_email(suggestion: Suggestion) -> list[Person]:
    """The persons who raised it but have no e-mail address: nobody can tell them, and the page says so."""
    return list(Person.objects.filter(raised__suggestion=suggestion, email="").distinct().order_by("name"))
