from django import template

register = template.Library()


@register.inclusion_tag("engagement/_home_pulse.html", takes_context=True)
def home_pulse(context) -> dict:
    """The pulse block of the workspace home page: ``{% load engagement %}{% home_pulse %}``."""
    from outsidein.engagement.home import home_pulse_context

    request = context["request"]
    return {**context.flatten(), **home_pulse_context(request)}
