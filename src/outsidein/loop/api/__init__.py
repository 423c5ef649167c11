"""The loop's part of the JSON API: one router made of the routers of its parts."""

from outsidein.api.routing import Router
from outsidein.loop.api.brainstorms import router as brainstorms_router
from outsidein.loop.api.links import router as links_router
from outsidein.loop.api.messages import router as messages_router
from outsidein.loop.api.owed import router as owed_router
from outsidein.loop.api.suggestions import router as suggestions_router

router = Router()
router.add_router("", suggestions_router)
router.add_router("", owed_router)
router.add_router("", brainstorms_router)
router.add_router("", messages_router)
router.add_router("", links_router)
