"""The REST API, under /api/v1/ (django-ninja). Each app contributes a router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Seminarium API", version="1", urls_namespace="api-v1")
