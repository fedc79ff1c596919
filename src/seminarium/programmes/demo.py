"""Demonstration data: the SCO Judges Seminar of 15–21 April 2021.

The officials, organisations, dates and the opening ceremony follow CNISCO's press
release on the seminar's opening. The 27 judges, the lecturers, interpreters and
staff are invented and marked ``is_fictional``; so are the topics of the sessions
after the opening ceremony, which the release does not describe.

Everything is created through the services, so the audit log shows it (actor: system).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse

from seminarium.core.audit import record
from seminarium.core.models import Country
from seminarium.core.signin import sign_in_url
from seminarium.people.models import Organisation, Person
from seminarium.people.services import save_organisation, save_person

from .models import Participation, Programme, ProgrammeRole, Session, SessionRole
from .services import (
    grant_programme_role,
    save_participation,
    save_programme,
    save_session,
    save_session_role,
    set_programme_status,
)

DEMO_SLUG = "sco-judges-seminar-2021"
DEMO_ROLES = ("organiser", "coordinator", "participant", "lecturer", "interpreter")
SHANGHAI = ZoneInfo("Asia/Shanghai")
SYSTEM = None  # the audit log's actor for data loaded by the platform itself

OrgKind = Organisation.Kind
SessionKind = Session.Kind
Role = SessionRole.Role
Mode = SessionRole.Mode


def i18n(en: str, ru: str, zh: str) -> dict[str, str]:
    """A multilingual value, for the demo data of this and the apps built on it."""
    return {"en": en, "ru": ru, "zh-hans": zh}


BEIJING = i18n("Beijing", "Пекин", "北京")
NUR_SULTAN = i18n("Nur-Sultan", "Нур-Султан", "努尔苏丹")
MOSCOW = i18n("Moscow", "Москва", "莫斯科")
MAIN_HALL = i18n("CNISCO main hall", "Главный зал CNISCO", "培训基地主会场")
JUDGE = i18n("Judge", "Судья", "法官")

# key: (country, kind, short name, en, ru, zh-hans)
ORGANISATIONS = {
    # The Chinese is the institute's own name; the Russian translates its English name.
    "cnisco": (
        "CN",
        OrgKind.INSTITUTE,
        "CNISCO",
        "China National Institute for SCO International Exchange and Judicial Cooperation",
        "Китайский национальный институт ШОС по международным обменам и судебному сотрудничеству",
        "中国—上海合作组织国际司法交流合作培训基地",
    ),
    "spc": (
        "CN",
        OrgKind.COURT,
        "SPC",
        "Supreme People's Court of the People's Republic of China",
        "Верховный народный суд Китайской Народной Республики",
        "最高人民法院",
    ),
    "shanghai-hpc": (
        "CN",
        OrgKind.COURT,
        "",
        "Shanghai High People's Court",
        "Высший народный суд города Шанхая",
        "上海市高级人民法院",
    ),
    "case-law-institute": (
        "CN",
        OrgKind.ASSOCIATION,
        "",
        "Case Law Research Institute of China Law Society",
        "Научно-исследовательский институт прецедентного права Китайского общества права",
        "中国法学会案例法学研究会",
    ),
    "njc": (
        "CN",
        OrgKind.COLLEGE,
        "NJC",
        "National Judges College",
        "Национальный колледж судей КНР",
        "国家法官学院",
    ),
    "aibo": (
        "CN",
        OrgKind.ACADEMY,
        "AIBO",
        "Academy for International Business Officials, Ministry of Commerce",
        "Академия международных деловых кадров Министерства коммерции КНР",
        "商务部国际商务官员研修学院",
    ),
    "shupl": (
        "CN",
        OrgKind.UNIVERSITY,
        "SHUPL",
        "Shanghai University of Political Science and Law",
        "Шанхайский университет политических наук и права",
        "上海政法学院",
    ),
    "cupl": (
        "CN",
        OrgKind.UNIVERSITY,
        "CUPL",
        "China University of Political Science and Law",
        "Китайский университет политических наук и права",
        "中国政法大学",
    ),
    "beijing-internet-court": (
        "CN",
        OrgKind.COURT,
        "",
        "Beijing Internet Court",
        "Пекинский интернет-суд",
        "北京互联网法院",
    ),
    "kz-supreme": (
        "KZ",
        OrgKind.COURT,
        "",
        "Supreme Court of the Republic of Kazakhstan",
        "Верховный Суд Республики Казахстан",
        "哈萨克斯坦共和国最高法院",
    ),
    "kz-almaty": (
        "KZ",
        OrgKind.COURT,
        "",
        "Almaty City Court",
        "Алматинский городской суд",
        "阿拉木图市法院",
    ),
    "kz-nur-sultan": (
        "KZ",
        OrgKind.COURT,
        "",
        "Nur-Sultan City Court",
        "Суд города Нур-Султана",
        "努尔苏丹市法院",
    ),
    "kz-karaganda": (
        "KZ",
        OrgKind.COURT,
        "",
        "Karaganda Regional Court",
        "Карагандинский областной суд",
        "卡拉干达州法院",
    ),
    "ru-supreme": (
        "RU",
        OrgKind.COURT,
        "",
        "Supreme Court of the Russian Federation",
        "Верховный Суд Российской Федерации",
        "俄罗斯联邦最高法院",
    ),
    "ru-council-of-judges": (
        "RU",
        OrgKind.ASSOCIATION,
        "",
        "Council of Judges of the Russian Federation",
        "Совет судей Российской Федерации",
        "俄罗斯联邦法官委员会",
    ),
    "ru-moscow": (
        "RU",
        OrgKind.COURT,
        "",
        "Moscow City Court",
        "Московский городской суд",
        "莫斯科市法院",
    ),
    "ru-moscow-arbitrazh": (
        "RU",
        OrgKind.COURT,
        "",
        "Arbitrazh Court of the City of Moscow",
        "Арбитражный суд города Москвы",
        "莫斯科市仲裁法院",
    ),
    "ru-st-petersburg": (
        "RU",
        OrgKind.COURT,
        "",
        "Saint Petersburg City Court",
        "Санкт-Петербургский городской суд",
        "圣彼得堡市法院",
    ),
    "ru-primorsky": (
        "RU",
        OrgKind.COURT,
        "",
        "Primorsky Regional Court",
        "Приморский краевой суд",
        "滨海边疆区法院",
    ),
    "tj-supreme": (
        "TJ",
        OrgKind.COURT,
        "",
        "Supreme Court of the Republic of Tajikistan",
        "Верховный суд Республики Таджикистан",
        "塔吉克斯坦共和国最高法院",
    ),
    "tj-dushanbe": (
        "TJ",
        OrgKind.COURT,
        "",
        "Dushanbe City Court",
        "Суд города Душанбе",
        "杜尚别市法院",
    ),
    "tj-sughd": (
        "TJ",
        OrgKind.COURT,
        "",
        "Sughd Regional Court",
        "Суд Согдийской области",
        "索格特州法院",
    ),
    "tj-khatlon": (
        "TJ",
        OrgKind.COURT,
        "",
        "Khatlon Regional Court",
        "Суд Хатлонской области",
        "哈特隆州法院",
    ),
    "uz-supreme": (
        "UZ",
        OrgKind.COURT,
        "",
        "Supreme Court of the Republic of Uzbekistan",
        "Верховный суд Республики Узбекистан",
        "乌兹别克斯坦共和国最高法院",
    ),
    "uz-tashkent": (
        "UZ",
        OrgKind.COURT,
        "",
        "Tashkent City Court",
        "Ташкентский городской суд",
        "塔什干市法院",
    ),
    "uz-samarkand": (
        "UZ",
        OrgKind.COURT,
        "",
        "Samarkand Regional Court",
        "Самаркандский областной суд",
        "撒马尔罕州法院",
    ),
    "uz-fergana": (
        "UZ",
        OrgKind.COURT,
        "",
        "Fergana Regional Court",
        "Ферганский областной суд",
        "费尔干纳州法院",
    ),
}


@dataclass(frozen=True)
class PersonData:
    organisation: str
    family: str
    given: str
    patronymic: str = ""
    latin_family: str = ""
    latin_given: str = ""
    russian: str = ""
    chinese: str = ""
    position: dict | None = None
    language: str = "ru"
    zone: str = "Europe/Moscow"
    email: str = ""


# The officials named in the release: real people, as the release and their courts
# present them. Russian forms of Chinese names follow Palladius.
OFFICIALS = {
    "yang-wanming": PersonData(
        "spc",
        "杨",
        "万明",
        latin_family="Yang",
        latin_given="Wanming",
        russian="Ян Ваньмин",
        position=i18n("Vice President", "Заместитель Председателя", "副院长"),
        language="zh-hans",
        zone="Asia/Shanghai",
    ),
    # The release also spells him "Liu Xiayun"; "Liu Xiaoyun" is right.
    "liu-xiaoyun": PersonData(
        "shanghai-hpc",
        "刘",
        "晓云",
        latin_family="Liu",
        latin_given="Xiaoyun",
        russian="Лю Сяоюнь",
        position=i18n("President", "Председатель", "院长"),
        language="zh-hans",
        zone="Asia/Shanghai",
    ),
    "gao-xiaoli": PersonData(
        "spc",
        "高",
        "晓力",
        latin_family="Gao",
        latin_given="Xiaoli",
        russian="Гао Сяоли",
        position=i18n(
            "Director of the International Cooperation Bureau",
            "Начальник Управления международного сотрудничества",
            "国际合作局局长",
        ),
        language="zh-hans",
        zone="Asia/Shanghai",
    ),
    "mao-ronghua": PersonData(
        "shanghai-hpc",
        "茆",
        "荣华",
        latin_family="Mao",
        latin_given="Ronghua",
        russian="Мао Жунхуа",
        position=i18n("Vice President", "Заместитель Председателя", "副院长"),
        language="zh-hans",
        zone="Asia/Shanghai",
    ),
    "hu-yunteng": PersonData(
        "case-law-institute",
        "胡",
        "云腾",
        latin_family="Hu",
        latin_given="Yunteng",
        russian="Ху Юньтэн",
        position=i18n("President", "Председатель", "会长"),
        language="zh-hans",
        zone="Asia/Shanghai",
    ),
    "sun-xiaoyong": PersonData(
        "njc",
        "孙",
        "晓勇",
        latin_family="Sun",
        latin_given="Xiaoyong",
        russian="Сунь Сяоюн",
        position=i18n("President", "Ректор", "院长"),
        language="zh-hans",
        zone="Asia/Shanghai",
    ),
    "lei-hao": PersonData(
        "aibo",
        "雷",
        "昊",
        latin_family="Lei",
        latin_given="Hao",
        russian="Лэй Хао",
        position=i18n("Vice President", "Заместитель ректора", "副院长"),
        language="zh-hans",
        zone="Asia/Shanghai",
    ),
    "liu-xiaohong": PersonData(
        "shupl",
        "刘",
        "晓红",
        latin_family="Liu",
        latin_given="Xiaohong",
        russian="Лю Сяохун",
        position=i18n(
            "Director of CNISCO; President",
            "Директор CNISCO; ректор",
            "中国—上海合作组织国际司法交流合作培训基地主任；校长",
        ),
        language="zh-hans",
        zone="Asia/Shanghai",
    ),
    # "Naili" is his own spelling (ICAO transliteration would give "Nail"). The English
    # title is the release's; its Russian and Chinese renderings and his Chinese name
    # are ours, awaiting his confirmation.
    "akhmezakirov": PersonData(
        "kz-supreme",
        "Ахмезакиров",
        "Наиль",
        "Рафисович",
        latin_family="Akhmezakirov",
        latin_given="Naili",
        chinese="纳伊利·阿赫梅扎基罗夫",
        position=i18n(
            "Minister of the Department of Activity Protection",
            "Руководитель Департамента по обеспечению деятельности судов",
            "活动保障部部长",
        ),
        zone="Asia/Almaty",
    ),
    # The release calls him "Justice Viktor Victorovich"; he is also a judge of the
    # Supreme Court of the Russian Federation, but spoke as President of the Council.
    "momotov": PersonData(
        "ru-council-of-judges",
        "Момотов",
        "Виктор",
        "Викторович",
        latin_family="Momotov",
        latin_given="Viktor",
        chinese="维克托·莫莫托夫",
        position=i18n("President", "Председатель", "主席"),
    ),
}

# The opening ceremony as the release reports it: (official, role, mode, from where, order).
OPENING_CEREMONY = [
    ("liu-xiaohong", Role.HOST, Mode.ONSITE, None, 1),
    ("yang-wanming", Role.GUEST, Mode.ONSITE, None, 10),
    ("liu-xiaoyun", Role.GUEST, Mode.ONSITE, None, 11),
    ("gao-xiaoli", Role.GUEST, Mode.ONSITE, None, 12),
    ("mao-ronghua", Role.GUEST, Mode.ONSITE, None, 13),
    ("hu-yunteng", Role.GUEST, Mode.ONLINE, BEIJING, 20),
    ("sun-xiaoyong", Role.GUEST, Mode.ONLINE, BEIJING, 21),
    ("lei-hao", Role.GUEST, Mode.ONLINE, BEIJING, 22),
    ("yang-wanming", Role.SPEAKER, Mode.ONSITE, None, 30),
    ("liu-xiaoyun", Role.SPEAKER, Mode.ONSITE, None, 31),
    ("lei-hao", Role.SPEAKER, Mode.ONLINE, BEIJING, 32),
    ("akhmezakirov", Role.SPEAKER, Mode.ONLINE, NUR_SULTAN, 33),
    ("momotov", Role.SPEAKER, Mode.ONLINE, MOSCOW, 34),
]

JUDGE_ZONES = {
    "KZ": "Asia/Almaty",
    "RU": "Europe/Moscow",
    "TJ": "Asia/Dushanbe",
    "UZ": "Asia/Tashkent",
}


def _judge(
    court: str,
    family: str,
    given: str,
    patronymic: str,
    latin_family: str,
    latin_given: str,
    russian: str = "",
    zone: str = "",
) -> PersonData:
    country = ORGANISATIONS[court][0]
    return PersonData(
        court,
        family,
        given,
        patronymic,
        latin_family=latin_family,
        latin_given=latin_given,
        russian=russian,
        position=JUDGE,
        zone=zone or JUDGE_ZONES[country],
        email=f"{latin_given[0]}.{latin_family}@{country}.example.org".lower(),
    )


# Invented judges. The release gives only the total (27), not the split by country.
# Native forms as each country writes names: Kazakh Cyrillic (-ұлы/-қызы without a
# patronymic for some), Russian with patronymics, Tajik with -зода/-ӣ, Uzbek Latin with ʻ.
JUDGES = {
    "KZ": [
        _judge("kz-almaty", "Абдрахманова", "Айгерим", "Болатовна", "Abdrakhmanova", "Aigerim"),
        _judge(
            "kz-supreme",
            "Сейтқали",
            "Ерлан",
            "Мұратұлы",
            "Seitkali",
            "Yerlan",
            "Сейткали Ерлан Муратович",
        ),
        _judge(
            "kz-nur-sultan", "Нұрланұлы", "Дәурен", "", "Nurlanuly", "Dauren", "Нурланулы Даурен"
        ),
        _judge("kz-almaty", "Серікқызы", "Әйгүл", "", "Serikkyzy", "Aigul", "Сериккызы Айгуль"),
        _judge(
            "kz-karaganda",
            "Жақсыбеков",
            "Бауыржан",
            "Қайратұлы",
            "Zhaksybekov",
            "Bauyrzhan",
            "Жаксыбеков Бауржан Кайратович",
        ),
        _judge(
            "kz-nur-sultan",
            "Омарова",
            "Гүлнар",
            "Серікқызы",
            "Omarova",
            "Gulnar",
            "Омарова Гульнар Сериковна",
        ),
        _judge(
            "kz-karaganda",
            "Тұрсынбаев",
            "Асхат",
            "Ерланұлы",
            "Tursynbayev",
            "Askhat",
            "Турсынбаев Асхат Ерланович",
        ),
    ],
    "RU": [
        _judge("ru-moscow", "Кузнецова", "Ольга", "Андреевна", "Kuznetsova", "Olga"),
        _judge("ru-supreme", "Соколов", "Дмитрий", "Сергеевич", "Sokolov", "Dmitrii"),
        _judge("ru-moscow-arbitrazh", "Белова", "Наталья", "Викторовна", "Belova", "Natalia"),
        _judge("ru-st-petersburg", "Орлов", "Алексей", "Игоревич", "Orlov", "Aleksei"),
        _judge("ru-moscow", "Захарова", "Елена", "Павловна", "Zakharova", "Elena"),
        _judge("ru-st-petersburg", "Лебедева", "Марина", "Юрьевна", "Lebedeva", "Marina"),
        _judge(
            "ru-primorsky",
            "Громов",
            "Андрей",
            "Николаевич",
            "Gromov",
            "Andrei",
            zone="Asia/Vladivostok",
        ),
    ],
    "TJ": [
        _judge(
            "tj-supreme", "Раҳимзода", "Фаридун", "", "Rahimzoda", "Faridun", "Рахимзода Фаридун"
        ),
        _judge("tj-dushanbe", "Саидзода", "Мадина", "", "Saidzoda", "Madina"),
        _judge(
            "tj-sughd", "Қурбонзода", "Шавкат", "", "Kurbonzoda", "Shavkat", "Курбонзода Шавкат"
        ),
        _judge("tj-dushanbe", "Шарифӣ", "Нигина", "", "Sharifi", "Nigina", "Шарифи Нигина"),
        _judge("tj-khatlon", "Назарӣ", "Бахтиёр", "", "Nazari", "Bakhtiyor", "Назари Бахтиёр"),
        _judge(
            "tj-sughd",
            "Исмоилов",
            "Ҷамшед",
            "Раҳимович",
            "Ismoilov",
            "Jamshed",
            "Исмоилов Джамшед Рахимович",
        ),
    ],
    "UZ": [
        _judge(
            "uz-supreme",
            "Toʻxtayev",
            "Baxtiyor",
            "Gʻulomovich",
            "Tukhtaev",
            "Bakhtiyor",
            "Тухтаев Бахтиёр Гуломович",
        ),
        _judge(
            "uz-tashkent",
            "Karimova",
            "Dilnoza",
            "Rustamovna",
            "Karimova",
            "Dilnoza",
            "Каримова Дилноза Рустамовна",
        ),
        _judge(
            "uz-samarkand",
            "Gʻofurov",
            "Sardor",
            "Akmal oʻgʻli",
            "Gafurov",
            "Sardor",
            "Гафуров Сардор Акмал угли",
        ),
        _judge(
            "uz-tashkent",
            "Yoʻldosheva",
            "Nodira",
            "Shavkat qizi",
            "Yuldasheva",
            "Nodira",
            "Юлдашева Нодира Шавкат кизи",
        ),
        _judge(
            "uz-fergana",
            "Rahimov",
            "Jasur",
            "Bahodirovich",
            "Rakhimov",
            "Jasur",
            "Рахимов Жасур Баходирович",
        ),
        _judge(
            "uz-samarkand",
            "Qodirov",
            "Oybek",
            "Ravshanovich",
            "Kodirov",
            "Oybek",
            "Кодиров Ойбек Равшанович",
        ),
        _judge(
            "uz-fergana",
            "Ergasheva",
            "Malika",
            "Anvarovna",
            "Ergasheva",
            "Malika",
            "Эргашева Малика Анваровна",
        ),
    ],
}

# Invented staff of the seminar: Participation kind and delegation, and the person.
STAFF = {
    "organiser": (
        Participation.Kind.STAFF,
        PersonData(
            "cnisco",
            "黄",
            "丽华",
            latin_family="Huang",
            latin_given="Lihua",
            russian="Хуан Лихуа",
            position=i18n("Programme officer", "Руководитель программы", "项目主管"),
            language="zh-hans",
            zone="Asia/Shanghai",
            email="huang.lihua@cn.example.org",
        ),
    ),
    "wang-lixin": (
        Participation.Kind.LECTURER,
        PersonData(
            "njc",
            "王",
            "立新",
            latin_family="Wang",
            latin_given="Lixin",
            russian="Ван Лисинь",
            position=i18n("Professor", "Профессор", "教授"),
            language="zh-hans",
            zone="Asia/Shanghai",
            email="wang.lixin@cn.example.org",
        ),
    ),
    "lecturer": (
        Participation.Kind.LECTURER,
        PersonData(
            "beijing-internet-court",
            "陈",
            "静",
            latin_family="Chen",
            latin_given="Jing",
            russian="Чэнь Цзин",
            position=JUDGE,
            language="zh-hans",
            zone="Asia/Shanghai",
            email="chen.jing@cn.example.org",
        ),
    ),
    "zhao-mingyuan": (
        Participation.Kind.LECTURER,
        PersonData(
            "cupl",
            "赵",
            "明远",
            latin_family="Zhao",
            latin_given="Mingyuan",
            russian="Чжао Минъюань",
            position=i18n("Professor", "Профессор", "教授"),
            language="zh-hans",
            zone="Asia/Shanghai",
            email="zhao.mingyuan@cn.example.org",
        ),
    ),
    "interpreter": (
        Participation.Kind.INTERPRETER,
        PersonData(
            "cnisco",
            "李",
            "娜",
            latin_family="Li",
            latin_given="Na",
            russian="Ли На",
            position=i18n(
                "Conference interpreter (Chinese–Russian)",
                "Синхронный переводчик (китайский — русский)",
                "会议口译员（汉俄）",
            ),
            language="zh-hans",
            zone="Asia/Shanghai",
            email="li.na@cn.example.org",
        ),
    ),
    "morozova": (
        Participation.Kind.INTERPRETER,
        PersonData(
            "cnisco",
            "Морозова",
            "Анна",
            "Сергеевна",
            latin_family="Morozova",
            latin_given="Anna",
            chinese="安娜·莫罗佐娃",
            position=i18n(
                "Conference interpreter (Russian–Chinese)",
                "Синхронный переводчик (русский — китайский)",
                "会议口译员（俄汉）",
            ),
            zone="Asia/Shanghai",
            email="anna.morozova@cn.example.org",
        ),
    ),
}

# The Kazakhstan coordinator: a user with a person, but no participation.
COORDINATOR = PersonData(
    "kz-supreme",
    "Қасымова",
    "Динара",
    "Маратқызы",
    latin_family="Kassymova",
    latin_given="Dinara",
    russian="Касымова Динара Маратовна",
    position=i18n(
        "International cooperation officer",
        "Специалист по международному сотрудничеству",
        "国际合作专员",
    ),
    zone="Asia/Almaty",
    email="d.kassymova@kz.example.org",
)


def _username(role: str) -> str:
    return f"demo-{role}"


def _create_user(role: str, email: str) -> AbstractBaseUser:
    """A demo user without a usable password: demo users sign in by link."""
    user = get_user_model().objects.create_user(_username(role), email=email, password=None)
    record(SYSTEM, "create", user, after={"username": user.get_username(), "email": email})
    return user


def _save_person(data: PersonData, organisations: dict, *, fictional: bool, user=None) -> Person:
    return save_person(
        SYSTEM,
        Person(
            user=user,
            family_name=data.family,
            given_name=data.given,
            patronymic=data.patronymic,
            latin_family_name=data.latin_family,
            latin_given_name=data.latin_given,
            russian_name=data.russian,
            chinese_name=data.chinese,
            position=data.position or {},
            organisation=organisations[data.organisation],
            preferred_language=data.language,
            home_timezone=data.zone,
            email=data.email,
            is_fictional=fictional,
        ),
    )


def _take_part(programme: Programme, person: Person, kind: str, country: str) -> Participation:
    return save_participation(
        SYSTEM,
        Participation(
            programme=programme,
            person=person,
            kind=kind,
            country_id=country,
            status=Participation.Status.CONFIRMED,
        ),
    )


def _at(day: int, hhmm: str) -> datetime:
    """A time on ``day`` April 2021 in Shanghai, as UTC."""
    hours, minutes = map(int, hhmm.split(":"))
    local = datetime.combine(date(2021, 4, day), time(hours, minutes), tzinfo=SHANGHAI)
    return local.astimezone(UTC)


@dataclass(frozen=True)
class SessionData:
    day: int
    start: str
    end: str
    kind: str
    title: dict
    description: dict
    # (person key, role, mode, from where, protocol order)
    roles: list
    floor: str = "zh-hans"
    interpretation: tuple = ("ru",)
    room: dict | None = None


def _sessions() -> list[SessionData]:
    """The week's timetable, in Shanghai afternoons: 09:00–12:15 in Moscow, 12:00–15:15 in
    Almaty (UTC+6 in 2021), 11:00–14:15 in Dushanbe and Tashkent."""
    online_from_beijing = (Mode.ONLINE, BEIJING)
    return [
        SessionData(
            15,
            "14:00",
            "15:30",
            SessionKind.CEREMONY,
            i18n("Opening Ceremony", "Церемония открытия", "开班仪式"),
            i18n(
                "Opening of the seminar at CNISCO, with guests on site and online.",
                "Открытие семинара в CNISCO; гости присутствуют в зале и онлайн.",
                "研修班在培训基地开班，嘉宾现场及线上出席。",
            ),
            OPENING_CEREMONY,
            interpretation=("ru", "en"),
            room=MAIN_HALL,
        ),
        SessionData(
            15,
            "15:45",
            "17:15",
            SessionKind.LECTURE,
            i18n(
                "China's judicial system and the people's courts",
                "Судебная система Китая и народные суды",
                "中国司法制度与人民法院",
            ),
            i18n(
                "The organisation of the courts, the levels of trial and the role of the "
                "Supreme People's Court.",
                "Устройство судов, инстанции и роль Верховного народного суда.",
                "法院组织、审级制度与最高人民法院的职能。",
            ),
            [("wang-lixin", Role.SPEAKER, *online_from_beijing, 1)],
        ),
        SessionData(
            16,
            "14:00",
            "15:30",
            SessionKind.LECTURE,
            i18n(
                "Smart courts: online litigation and court technology",
                "«Умные суды»: онлайн-судопроизводство и судебные технологии",
                "智慧法院：在线诉讼与法院信息化",
            ),
            i18n(
                "Filing, hearings and service of documents online; electronic evidence.",
                "Подача исков, заседания и вручение документов онлайн; электронные доказательства.",
                "网上立案、在线庭审、电子送达与电子证据。",
            ),
            [("lecturer", Role.SPEAKER, *online_from_beijing, 1)],
        ),
        SessionData(
            16,
            "15:45",
            "17:15",
            SessionKind.DISCUSSION,
            i18n(
                "Questions and answers: digital justice",
                "Вопросы и ответы: цифровое правосудие",
                "问答交流：数字司法",
            ),
            i18n(
                "The judges put their questions on online courts to the lecturer.",
                "Судьи задают лектору вопросы об онлайн-судах.",
                "学员就在线法院向授课老师提问。",
            ),
            [("lecturer", Role.MODERATOR, *online_from_beijing, 1)],
        ),
        SessionData(
            17,
            "14:00",
            "16:00",
            SessionKind.STUDY_VISIT,
            i18n(
                "Virtual study visit: Shanghai High People's Court",
                "Виртуальный учебный визит: Высший народный суд города Шанхая",
                "线上参访：上海市高级人民法院",
            ),
            i18n(
                "A filmed tour of the litigation service centre, followed by questions.",
                "Видеоэкскурсия по центру обслуживания участников процесса, затем вопросы.",
                "观看诉讼服务中心参访视频并互动交流。",
            ),
            [("organiser", Role.MODERATOR, Mode.ONSITE, None, 1)],
        ),
        SessionData(
            18,
            "14:00",
            "15:30",
            SessionKind.OTHER,
            i18n(
                "Chinese culture: an online tour of Shanghai",
                "Китайская культура: онлайн-экскурсия по Шанхаю",
                "中国文化：线上游览上海",
            ),
            i18n(
                "A lighter Sunday session on the city that hosts the institute.",
                "Воскресное занятие о городе, в котором работает институт.",
                "周日文化体验课，介绍培训基地所在城市。",
            ),
            [("organiser", Role.MODERATOR, Mode.ONSITE, None, 1)],
        ),
        SessionData(
            19,
            "14:00",
            "15:30",
            SessionKind.LECTURE,
            i18n(
                "Commercial dispute resolution in China: litigation, arbitration and mediation",
                "Разрешение коммерческих споров в Китае: суд, арбитраж и медиация",
                "中国商事纠纷解决：诉讼、仲裁与调解",
            ),
            i18n(
                "How courts, arbitral institutions and mediators share the work.",
                "Как суды, арбитражные учреждения и медиаторы распределяют работу.",
                "法院、仲裁机构与调解组织的分工与衔接。",
            ),
            [("zhao-mingyuan", Role.SPEAKER, *online_from_beijing, 1)],
        ),
        SessionData(
            19,
            "15:45",
            "17:15",
            SessionKind.LECTURE,
            i18n(
                "Belt and Road disputes: the China International Commercial Court",
                "Споры в рамках «Пояса и пути»: Китайский международный коммерческий суд",
                "“一带一路”纠纷解决：最高人民法院国际商事法庭",
            ),
            i18n(
                "The international commercial court and its one-stop mechanism linking "
                "litigation, arbitration and mediation.",
                "Международный коммерческий суд и его механизм «одного окна», "
                "объединяющий суд, арбитраж и медиацию.",
                "国际商事法庭及诉讼、仲裁、调解“一站式”纠纷解决机制。",
            ),
            [("zhao-mingyuan", Role.SPEAKER, *online_from_beijing, 1)],
        ),
        SessionData(
            20,
            "14:00",
            "15:30",
            SessionKind.LECTURE,
            i18n(
                "Judicial assistance and the recognition of foreign judgments",
                "Правовая помощь и признание иностранных судебных решений",
                "司法协助与外国判决的承认和执行",
            ),
            i18n(
                "Treaties on legal assistance between China and SCO member states, in practice.",
                "Договоры о правовой помощи между Китаем и государствами — членами ШОС на "
                "практике.",
                "中国与上合组织成员国司法协助条约的实践。",
            ),
            [("wang-lixin", Role.SPEAKER, *online_from_beijing, 1)],
        ),
        SessionData(
            20,
            "15:45",
            "17:15",
            SessionKind.DISCUSSION,
            i18n(
                "Discussion: courts of the SCO member states during the pandemic",
                "Дискуссия: суды государств — членов ШОС в период пандемии",
                "研讨：疫情期间上合组织成员国法院的工作",
            ),
            i18n(
                "The judges compare how their courts kept working.",
                "Судьи сравнивают, как их суды продолжали работу.",
                "学员交流各国法院如何保持正常运转。",
            ),
            [("wang-lixin", Role.MODERATOR, *online_from_beijing, 1)],
            floor="ru",
            interpretation=("zh-hans",),
        ),
        SessionData(
            21,
            "14:00",
            "15:30",
            SessionKind.DISCUSSION,
            i18n(
                "Country presentations: Kazakhstan, Russia, Tajikistan and Uzbekistan",
                "Презентации стран: Казахстан, Россия, Таджикистан и Узбекистан",
                "国别介绍：哈萨克斯坦、俄罗斯、塔吉克斯坦和乌兹别克斯坦",
            ),
            i18n(
                "One judge from each country presents recent reforms of its courts.",
                "Судья от каждой страны рассказывает о недавних реформах судов.",
                "各国一名法官介绍本国法院近期改革。",
            ),
            [
                ("organiser", Role.MODERATOR, Mode.ONSITE, None, 1),
                (
                    "participant",
                    Role.SPEAKER,
                    Mode.ONLINE,
                    i18n("Almaty", "Алматы", "阿拉木图"),
                    10,
                ),
                ("RU-1", Role.SPEAKER, Mode.ONLINE, MOSCOW, 11),
                ("TJ-1", Role.SPEAKER, Mode.ONLINE, i18n("Dushanbe", "Душанбе", "杜尚别"), 12),
                ("UZ-1", Role.SPEAKER, Mode.ONLINE, i18n("Tashkent", "Ташкент", "塔什干"), 13),
            ],
            floor="ru",
            interpretation=("zh-hans",),
        ),
        # Judges from Tajikistan and Uzbekistan spoke at the closing, as CNISCO reported.
        SessionData(
            21,
            "15:45",
            "16:45",
            SessionKind.CEREMONY,
            i18n(
                "Closing (Graduation) Ceremony",
                "Церемония закрытия и вручения сертификатов",
                "结业仪式",
            ),
            i18n(
                "Closing of the seminar; judges from Tajikistan and Uzbekistan speak for the "
                "participants.",
                "Закрытие семинара; от имени участников выступают судьи Таджикистана и "
                "Узбекистана.",
                "研修班结业，塔吉克斯坦和乌兹别克斯坦法官代表学员发言。",
            ),
            [
                ("organiser", Role.HOST, Mode.ONSITE, None, 1),
                ("TJ-0", Role.SPEAKER, Mode.ONLINE, i18n("Dushanbe", "Душанбе", "杜尚别"), 10),
                ("UZ-0", Role.SPEAKER, Mode.ONLINE, i18n("Tashkent", "Ташкент", "塔什干"), 11),
            ],
            room=MAIN_HALL,
        ),
    ]


def _create_sessions(programme: Programme, people: dict[str, Person]) -> None:
    interpreters = [people["interpreter"], people["morozova"]]
    for data in _sessions():
        session = save_session(
            SYSTEM,
            Session(
                programme=programme,
                title=data.title,
                description=data.description,
                kind=data.kind,
                start=_at(data.day, data.start),
                end=_at(data.day, data.end),
                floor_language=data.floor,
                interpretation_languages=list(data.interpretation),
                room=data.room or {},
                is_online=True,
            ),
        )
        for key, role, mode, location, order in data.roles:
            save_session_role(
                SYSTEM,
                SessionRole(
                    session=session,
                    person=people[key],
                    role=role,
                    mode=mode,
                    location=location or {},
                    protocol_order=order,
                ),
            )
        # The booth pair works every session, in the booth at CNISCO, into Russian or
        # Chinese: whichever is not the floor's language.
        booth = next((code for code in data.interpretation if code in ("ru", "zh-hans")), "")
        for order, interpreter in enumerate(interpreters, start=90):
            save_session_role(
                SYSTEM,
                SessionRole(
                    session=session,
                    person=interpreter,
                    role=Role.INTERPRETER,
                    mode=Mode.ONSITE,
                    protocol_order=order,
                    channel=booth,
                ),
            )


def _existing_users() -> dict[str, AbstractBaseUser]:
    users = get_user_model().objects.in_bulk(
        [_username(role) for role in DEMO_ROLES], field_name="username"
    )
    return {role: users[_username(role)] for role in DEMO_ROLES}


@transaction.atomic
def load_demo() -> dict[str, AbstractBaseUser]:
    """Load the demonstration programme once; return its users by role."""
    if Programme.objects.filter(slug=DEMO_SLUG).exists():
        return _existing_users()

    for code in ("CN", "KZ", "RU", "TJ", "UZ"):
        Country.objects.get_or_create(code=code)
    organisations = {
        key: save_organisation(
            SYSTEM,
            Organisation(name=i18n(en, ru, zh), short_name=short, country_id=country, kind=kind),
        )
        for key, (country, kind, short, en, ru, zh) in ORGANISATIONS.items()
    }
    programme = save_programme(
        SYSTEM,
        Programme(
            slug=DEMO_SLUG,
            title=i18n(
                "SCO Judges Seminar",
                "Семинар для судей государств — членов ШОС",
                "上海合作组织国家法官研修班",
            ),
            summary=i18n(
                "CNISCO hosted the SCO Judges Seminar from 15 to 21 April 2021. 27 judges "
                "from Kazakhstan, Russia, Tajikistan and Uzbekistan attended online. The "
                "seminar was a foreign-aid training project.",
                "С 15 по 21 апреля 2021 года CNISCO провёл семинар для судей государств — "
                "членов ШОС. В нём онлайн участвовали 27 судей из Казахстана, России, "
                "Таджикистана и Узбекистана. Семинар проводился как учебный проект по "
                "линии внешней помощи.",
                "2021年4月15日至21日，中国—上海合作组织国际司法交流合作培训基地举办上海合作组织"
                "国家法官研修班，来自哈萨克斯坦、俄罗斯、塔吉克斯坦和乌兹别克斯坦的27名法官在线"
                "参加。研修班为援外培训项目。",
            ),
            host=organisations["cnisco"],
            funder=organisations["aibo"],
            # A placeholder: the release does not give the project's reference.
            funding_reference="MOFCOM foreign-aid training 2021",
            start_date=date(2021, 4, 15),
            end_date=date(2021, 4, 21),
            timezone="Asia/Shanghai",
            working_languages=["zh-hans", "ru", "en"],
            delivery_mode=Programme.DeliveryMode.ONLINE,
        ),
    )

    users = {
        "organiser": _create_user("organiser", STAFF["organiser"][1].email),
        "coordinator": _create_user("coordinator", COORDINATOR.email),
        "participant": _create_user("participant", JUDGES["KZ"][0].email),
        "lecturer": _create_user("lecturer", STAFF["lecturer"][1].email),
        "interpreter": _create_user("interpreter", STAFF["interpreter"][1].email),
    }
    grant_programme_role(
        SYSTEM,
        ProgrammeRole(
            user=users["organiser"], programme=programme, role=ProgrammeRole.Role.ORGANISER
        ),
    )
    grant_programme_role(
        SYSTEM,
        ProgrammeRole(
            user=users["coordinator"],
            programme=programme,
            role=ProgrammeRole.Role.COORDINATOR,
            country_id="KZ",
        ),
    )
    _save_person(COORDINATOR, organisations, fictional=True, user=users["coordinator"])

    people = {
        key: _save_person(data, organisations, fictional=False) for key, data in OFFICIALS.items()
    }
    for key, (kind, data) in STAFF.items():
        person = _save_person(data, organisations, fictional=True, user=users.get(key))
        _take_part(programme, person, kind, "CN")
        people[key] = person
    for country, judges in JUDGES.items():
        for number, data in enumerate(judges):
            user = users["participant"] if (country, number) == ("KZ", 0) else None
            person = _save_person(data, organisations, fictional=True, user=user)
            _take_part(programme, person, Participation.Kind.PARTICIPANT, country)
            people[f"{country}-{number}"] = person
    people["participant"] = people["KZ-0"]

    _create_sessions(programme, people)
    set_programme_status(SYSTEM, programme, Programme.Status.PUBLISHED)
    return users


def sign_in_links(users: dict[str, AbstractBaseUser], base_url: str) -> dict[str, str]:
    """One sign-in link per demo user, landing on that user's start page."""
    return {
        role: sign_in_url(
            user,
            reverse("console:home") if role == "organiser" else reverse("portal"),
            base_url,
        )
        for role, user in users.items()
    }
