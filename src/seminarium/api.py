"""The REST API, under /api/v1/ (django-ninja). Each app contributes a router.

Reads work without a token and show what an anonymous visitor may see; writes need
``Authorization: Bearer <key>`` (keys come from ``seminarium token create``).
"""

from ninja import NinjaAPI

from seminarium.core.api import JsonParser, install_error_handlers, token_or_anonymous
from seminarium.evaluation.api import router as evaluation_router
from seminarium.nominations.api import install_refusal_handler
from seminarium.nominations.api import router as nominations_router
from seminarium.people.api import router as people_router
from seminarium.programmes.api import router as programmes_router

api = NinjaAPI(
    title="Seminarium API",
    version="1",
    urls_namespace="api-v1",
    auth=token_or_anonymous,
    parser=JsonParser(),
)
install_error_handlers(api)
api.add_router("", people_router)
api.add_router("", programmes_router)
api.add_router("", nominations_router)
api.add_router("", evaluation_router)
install_refusal_handler(api)
