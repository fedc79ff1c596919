"""Press-release drafts: the demo's facts (the seed release's first three paragraphs) in
English, Russian and Chinese, and the consent rule for naming."""

from datetime import date

import pytest

from seminarium.core import locales
from seminarium.programmes.demo import DEMO_SLUG, load_demo
from seminarium.programmes.models import Participation, Programme, Session, SessionRole
from seminarium.reporting import press
from tests import factories

# (Chinese, Russian, English) forms of the officials at the opening ceremony, as the
# demo records them, in protocol order.
ONSITE = [
    ("杨万明", "Ян Ваньмин", "Yang Wanming"),
    ("刘晓云", "Лю Сяоюнь", "Liu Xiaoyun"),
    ("高晓力", "Гао Сяоли", "Gao Xiaoli"),
    ("茆荣华", "Мао Жунхуа", "Mao Ronghua"),
]
ONLINE = [
    ("胡云腾", "Ху Юньтэн", "Hu Yunteng"),
    ("孙晓勇", "Сунь Сяоюн", "Sun Xiaoyong"),
    ("雷昊", "Лэй Хао", "Lei Hao"),
]
HOST = ("刘晓红", "Лю Сяохун", "Liu Xiaohong")
SPEAKERS = [
    ONSITE[0],
    ONSITE[1],
    ONLINE[2],
    ("纳伊利·阿赫梅扎基罗夫", "Ахмезакиров Наиль Рафисович", "Akhmezakirov Naili"),
    ("维克托·莫莫托夫", "Момотов Виктор Викторович", "Momotov Viktor"),
]
FORM = {"zh-hans": 0, "ru": 1, "en": 2}
BEIJING = {"zh-hans": "北京", "ru": "Пекин", "en": "Beijing"}
VICE_PRESIDENT = {"zh-hans": "副院长", "ru": "Заместитель Председателя", "en": "Vice President"}
SPC = {
    "zh-hans": "最高人民法院",
    "ru": "Верховный народный суд Китайской Народной Республики",
    "en": "Supreme People's Court of the People's Republic of China",
}
CNISCO = {
    "zh-hans": "中国—上海合作组织国际司法交流合作培训基地",
    "ru": "Китайский национальный институт ШОС по международным обменам и судебному сотрудничеству",
    "en": "China National Institute for SCO International Exchange and Judicial Cooperation",
}


@pytest.fixture
def demo(db) -> Programme:
    load_demo()
    return Programme.objects.get(slug=DEMO_SLUG)


@pytest.fixture
def drafts(demo) -> dict[str, press.PressRelease]:
    return {release.language: release for release in press.draft_releases(demo)}


def _in_order(text: str, parts: list[str]) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


def test_english_draft_states_the_seed_facts(drafts):
    text = drafts["en"].text
    assert (
        "27 judges from Kazakhstan, Russia, Tajikistan and Uzbekistan attended the seminar online"
        in text
    )
    assert "15 April 2021" in text and "21 April 2021" in text
    assert CNISCO["en"] in text and "CNISCO" in drafts["en"].headline
    assert "held at CNISCO main hall on 15 April 2021, at 14:00 Shanghai time (UTC+08:00)" in text
    assert "Yang Wanming (Vice President, Supreme People's Court" in text
    assert "Lei Hao (Vice President, Academy for International Business Officials" in text
    onsite, online = text.split("attended the ceremony on site")
    assert _in_order(onsite, [names[2] for names in ONSITE])
    assert _in_order(
        online.split("attended the ceremony online from Beijing")[0], [n[2] for n in ONLINE]
    )
    assert (
        "Liu Xiaohong (Director of CNISCO; President, Shanghai University of Political Science "
        "and Law) hosted the ceremony" in text
    )


@pytest.mark.parametrize("language", ["zh-hans", "ru", "en"])
def test_each_language_has_the_same_facts_in_its_own_forms(drafts, language):
    text = drafts[language].text
    form = FORM[language]
    assert locales.long_date(date(2021, 4, 15), "en-gb" if language == "en" else language) in text
    assert locales.long_date(date(2021, 4, 21), "en-gb" if language == "en" else language) in text
    assert CNISCO[language] in text
    assert "27" in text
    for code in ("KZ", "RU", "TJ", "UZ"):
        assert locales.country_name(code, language) in text
    assert _in_order(text, [names[form] for names in ONSITE + ONLINE])
    assert BEIJING[language] in text
    assert VICE_PRESIDENT[language] in text and SPC[language] in text
    assert HOST[form] in text
    # Speakers, in the order they spoke, after the guests.
    speeches = text.rsplit(HOST[form], 1)[1]
    assert _in_order(speeches, [names[form] for names in SPEAKERS])


@pytest.mark.parametrize("language", ["zh-hans", "ru"])
def test_no_latin_names_in_the_chinese_and_russian_drafts(drafts, language):
    text = drafts[language].text
    for names in ONSITE + ONLINE + SPEAKERS + [HOST]:
        assert names[2] not in text


def test_judges_without_press_consent_are_counted_not_named(drafts, demo):
    judges = demo.participations.filter(kind=Participation.Kind.PARTICIPANT)
    for language, release in drafts.items():
        for judge in judges:
            assert judge.person.display_name(language) not in release.text
        assert release.unnamed >= 27


def test_a_consenting_participant_is_named_and_a_refusing_one_is_not(demo):
    judges = list(demo.participations.filter(kind=Participation.Kind.PARTICIPANT)[:2])
    judges[0].press_consent = True
    judges[0].save()
    judges[1].press_consent = False
    judges[1].save()
    text = press.draft_release(demo, "en").text
    assert judges[0].person.display_name("en") in text
    assert judges[1].person.display_name("en") not in text


def test_an_official_with_a_participation_follows_their_consent(demo):
    """An official who must not be named is given a participation without consent."""
    ceremony = demo.sessions.filter(kind=Session.Kind.CEREMONY).first()
    gao = ceremony.roles.get(person__latin_family_name="Gao").person
    factories.ParticipationFactory(
        programme=demo,
        person=gao,
        kind=Participation.Kind.OBSERVER,
        country=factories.CountryFactory(code="CN"),
        press_consent=None,
    )
    text = press.draft_release(demo, "en").text
    assert "Gao Xiaoli" not in text
    assert "1 further guest attended the ceremony on site." in text


def test_a_programme_without_ceremony_or_participants(db):
    programme = Programme.objects.get(pk=factories.ProgrammeFactory().pk)
    release = press.draft_release(programme, "en")
    assert len(release.paragraphs) == 1
    assert "15 April 2021" in release.text
    assert "attended" not in release.text


def test_non_judges_are_called_participants_and_hybrid_attendance_is_stated(db):
    programme = factories.ProgrammeFactory(delivery_mode=Programme.DeliveryMode.HYBRID)
    ministry = factories.OrganisationFactory(kind="ministry")
    factories.ParticipationFactory(
        programme=programme, person=factories.PersonFactory(organisation=ministry)
    )
    factories.ParticipationFactory(programme=programme)
    text = press.draft_release(Programme.objects.get(pk=programme.pk), "en").text
    assert "2 participants from Kazakhstan attended the seminar, on site and online." in text


def test_the_onsite_speaker_guest_is_described_once(drafts):
    text = drafts["en"].text
    assert text.count("Yang Wanming (") == 1
    assert text.count("Yang Wanming") == 2


def test_only_ceremony_roles_of_the_first_ceremony_count(demo):
    """The closing ceremony's judges (no consent) stay out of the opening paragraph."""
    closing = demo.sessions.filter(kind=Session.Kind.CEREMONY).order_by("-start").first()
    speakers = [r.person for r in closing.roles.filter(role=SessionRole.Role.SPEAKER)]
    text = press.draft_release(demo, "en").text
    for person in speakers:
        assert person.display_name("en") not in text
