"""Certificate rendering: certificates per second, and the time for 1,000.

    .venv/bin/python bench/certificates.py [--count 1000] [--processes N]

Renders COUNT certificates with the built-in template, exactly as issuing does
(sandboxed Jinja template, QR code, WeasyPrint with embedded Noto CJK and DejaVu
subsets), for a programme in Chinese, Russian and English, and names cycling
through Chinese, Cyrillic and Latin forms. The work is split over N processes
(default: the number of CPUs). Database writes are not included: issuing adds one
row and the audit event per certificate, well under a millisecond each.

Prints one JSON line. Target: 1,000 certificates in <= 60 s on 2 cores.
"""

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

NAMES = [
    ("刘", "晓红", "", "Liu", "Xiaohong", "刘晓红", "Лю Сяохун"),
    ("Ахмезакиров", "Наиль", "Рафисович", "Akhmezakirov", "Naili", "", ""),
    ("Karimova", "Dilnoza", "", "Karimova", "Dilnoza", "卡里莫娃·迪尔诺扎", "Каримова Дилноза"),
    ("Раҳимзода", "Фирдавс", "", "Rahimzoda", "Firdavs", "拉希姆佐达·菲尔达夫斯", ""),
]


def _setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seminarium.settings")
    import django

    django.setup()


def _render(first: int, count: int) -> tuple[int, int]:
    """Render ``count`` certificates; return (certificates, bytes of PDF)."""
    _setup()
    from i18nfield.strings import LazyI18nString

    from seminarium.certificates import services
    from seminarium.certificates.models import Certificate
    from seminarium.people.models import Organisation, Person
    from seminarium.programmes.models import Participation, Programme

    def i18n(en: str, ru: str, zh: str) -> LazyI18nString:
        return LazyI18nString({"en": en, "ru": ru, "zh-hans": zh})

    programme = Programme(
        title=i18n(
            "SCO Judges Seminar",
            "Семинар для судей государств — членов ШОС",
            "上合组织国家法官研修班",
        ),
        host=Organisation(
            name=i18n("CNISCO", "CNISCO", "中国—上海合作组织国际司法交流合作培训基地")
        ),
        funder=Organisation(name=i18n("AIBO", "Академия", "商务部国际商务官员研修学院")),
        funding_reference="MOFCOM 2021",
        start_date=date(2021, 4, 15),
        end_date=date(2021, 4, 21),
        working_languages=["zh-hans", "ru", "en"],
    )
    html, css = services.default_template()
    size = 0
    for number in range(first, first + count):
        family, given, patronymic, latin_family, latin_given, chinese, russian = NAMES[
            number % len(NAMES)
        ]
        person = Person(
            family_name=f"{family}{number}",
            given_name=given,
            patronymic=patronymic,
            latin_family_name=f"{latin_family}{number}",
            latin_given_name=latin_given,
            chinese_name=chinese,
            russian_name=russian,
        )
        certificate = Certificate(
            participation=Participation(programme=programme, person=person),
            attended_minutes=1800 + number % 300,
        )
        services._snapshot_statement(certificate)
        size += len(services.render_pdf(certificate, html, css, {}))
    return count, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    # Settings want a data directory; nothing is written to it but the secret key.
    os.environ.setdefault("SEMINARIUM_DATA_DIR", tempfile.mkdtemp(prefix="bench-certificates-"))
    load_before = os.getloadavg()
    shares = [
        args.count // args.processes + (i < args.count % args.processes)
        for i in range(args.processes)
    ]
    starts = [sum(shares[:i]) for i in range(args.processes)]
    cpu_before = os.times()
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        results = list(pool.map(_render, starts, shares))
    elapsed = time.perf_counter() - start
    cpu_after = os.times()
    rendered = sum(count for count, _size in results)
    size = sum(size for _count, size in results)
    print(
        json.dumps(
            {
                "bench": "certificates",
                "certificates": rendered,
                "processes": args.processes,
                "seconds": round(elapsed, 2),
                "per_second": round(rendered / elapsed, 2),
                "seconds_per_1000": round(elapsed * 1000 / rendered, 1),
                "cpu_seconds_children": round(
                    (cpu_after.children_user + cpu_after.children_system)
                    - (cpu_before.children_user + cpu_before.children_system),
                    1,
                ),
                "mean_pdf_kb": round(size / rendered / 1024, 1),
                "target_seconds_per_1000": 60,
                "cpus": os.cpu_count(),
                "load_before": [round(x, 2) for x in load_before],
                "load_after": [round(x, 2) for x in os.getloadavg()],
                "python": platform.python_version(),
                "machine": platform.machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
