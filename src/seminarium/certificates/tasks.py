"""Background jobs for certificates: bulk issue and ZIP."""

from django_tasks import task

from . import services
from .models import CertificateBatch


@task()
def run_batch(batch_id: str) -> None:
    batch = CertificateBatch.objects.select_related("programme", "requested_by").get(pk=batch_id)
    try:
        services.build_batch(batch)
    except Exception as error:
        # The page shows the batch as failed instead of polling for ever; the worker logs it.
        services.fail_batch(batch, error)
        raise
