"""factory_boy factories for the domain models."""

from datetime import UTC, date, datetime, timedelta

import factory
from django.contrib.auth import get_user_model

from seminarium.core.models import Country
from seminarium.people.models import Organisation, Person
from seminarium.programmes.models import (
    Participation,
    Programme,
    ProgrammeRole,
    Session,
    SessionRole,
)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "KZ"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: {"en": f"Court {n}", "ru": f"Суд {n}", "zh-hans": f"法院{n}"})
    country = factory.SubFactory(CountryFactory)
    kind = Organisation.Kind.COURT


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    family_name = factory.Sequence(lambda n: f"Иванов{n}")
    given_name = "Иван"
    patronymic = "Иванович"
    latin_family_name = factory.Sequence(lambda n: f"Ivanov{n}")
    latin_given_name = "Ivan"
    position = {"en": "Judge", "ru": "Судья", "zh-hans": "法官"}
    organisation = factory.SubFactory(OrganisationFactory)
    preferred_language = "ru"
    home_timezone = "Europe/Moscow"
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"seminar-{n}")
    title = {"en": "Judges Seminar", "ru": "Семинар для судей", "zh-hans": "法官研修班"}
    host = factory.SubFactory(
        OrganisationFactory, country=factory.SubFactory(CountryFactory, code="CN")
    )
    start_date = date(2021, 4, 15)
    end_date = date(2021, 4, 21)
    timezone = "Asia/Shanghai"
    working_languages = ["zh-hans", "ru", "en"]
    status = Programme.Status.PUBLISHED


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(
        lambda n: {"en": f"Lecture {n}", "ru": f"Лекция {n}", "zh-hans": f"讲座{n}"}
    )
    kind = Session.Kind.LECTURE
    # 14:00 Shanghai on the first day.
    start = datetime(2021, 4, 15, 6, 0, tzinfo=UTC)
    end = factory.LazyAttribute(lambda s: s.start + timedelta(minutes=90))
    floor_language = "zh-hans"
    interpretation_languages = ["ru", "en"]


class SessionRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionRole

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory)
    role = SessionRole.Role.SPEAKER


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    programme = factory.SubFactory(ProgrammeFactory)
    person = factory.SubFactory(PersonFactory)
    country = factory.SubFactory(CountryFactory)
    status = Participation.Status.CONFIRMED


class ProgrammeRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeRole

    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = ProgrammeRole.Role.ORGANISER
    country = None


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.Survey"

    programme = factory.SubFactory(ProgrammeFactory)
    kind = "programme_end"
    title = {"en": "Your view", "ru": "Ваше мнение", "zh-hans": "您的意见"}
    anonymous = True
    opens_at = datetime(2021, 4, 15, 0, 0, tzinfo=UTC)
    closes_at = datetime(2021, 5, 31, 0, 0, tzinfo=UTC)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.Question"

    survey = factory.SubFactory(SurveyFactory)
    kind = "scale"
    text = {"en": "How useful?", "ru": "Насколько полезно?", "zh-hans": "有多大帮助？"}


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.Option"

    question = factory.SubFactory(QuestionFactory, kind="choice")
    text = factory.Sequence(
        lambda n: {"en": f"Option {n}", "ru": f"Вариант {n}", "zh-hans": f"选项{n}"}
    )
