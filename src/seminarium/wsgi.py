"""WSGI entry point for gunicorn: `gunicorn seminarium.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seminarium.settings")
application = get_wsgi_application()
