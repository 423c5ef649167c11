"""Two request or response schemas of one name would share one entry of the OpenAPI document: clients (and the
API's own checks) would read the wrong body for one of the routes. Every schema name is used once."""

import collections
import importlib
import inspect
import pkgutil

from ninja import Schema

import outsidein


def test_every_schema_name_is_used_once():
    modules = collections.defaultdict(set)
    classes = collections.defaultdict(set)  # also the schemas a helper makes (crud_schemas: defined elsewhere)
    for info in pkgutil.walk_packages(outsidein.__path__, "outsidein."):
        if "migrations" in info.name or not (".api" in info.name or info.name.endswith("api")):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, Schema) and value.__module__.startswith("outsidein"):
                classes[value.__name__].add(value)
                if value.__module__ == module.__name__:
                    modules[value.__name__].add(module.__name__)
    assert {name: sorted(found) for name, found in modules.items() if len(found) > 1} == {}
    assert {name: sorted(f"{c.__module__}.{c.__qualname__}" for c in found)
            for name, found in classes.items() if len(found) > 1} == {}
