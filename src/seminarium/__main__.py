"""The `seminarium` console script: every Django management command plus our own."""

import os
import sys


def _demo_environment(argv: list[str]) -> None:
    """`seminarium demo` serves plain HTTP on a local address: relax only what that needs.

    Settings are read once, at start-up, so this must happen before Django loads them.
    """
    addr = "127.0.0.1:8000"
    for i, arg in enumerate(argv):
        if arg == "--addr" and i + 1 < len(argv):
            addr = argv[i + 1]
        elif arg.startswith("--addr="):
            addr = arg.split("=", 1)[1]
    host = addr.rsplit(":", 1)[0].strip("[]") or "127.0.0.1"
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("ALLOWED_HOSTS", f"{host},127.0.0.1,localhost")
    os.environ.setdefault("SITE_URL", f"http://{addr}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "demo":
        _demo_environment(sys.argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seminarium.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
