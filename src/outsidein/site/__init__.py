"""The top layer: what composes the areas (URL conf, API, home page, demo, commands). No area imports it."""
