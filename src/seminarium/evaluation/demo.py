"""Demonstration evaluation for the SCO Judges Seminar 2021: a rating after each lecture
and discussion, an end-of-programme survey, a quiz, and an alumni follow-up e-mailed
in February 2022.

The answers are invented, deterministic (derived from each judge's place in the list),
and given through the services, as the judges would have given them.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from seminarium.programmes.demo import i18n
from seminarium.programmes.models import Participation, Programme, Session

from . import services
from .models import Option, Question, Survey
from .services import AnswerInput

SYSTEM = None
SHANGHAI = ZoneInfo("Asia/Shanghai")
RATED_KINDS = (
    Session.Kind.LECTURE,
    Session.Kind.DISCUSSION,
    Session.Kind.PANEL,
    Session.Kind.WORKSHOP,
)
# Ratings cycle through this pattern, shifted per judge and session, so averages differ.
RATING_PATTERN = (5, 4, 5, 3, 4, 5, 4, 2, 5, 4, 4)


def _local(year: int, month: int, day: int, hhmm: str = "00:00") -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime.combine(
        datetime(year, month, day).date(), time(hours, minutes), SHANGHAI
    ).astimezone(UTC)


# Session comments and end-of-programme suggestions, each in the language its
# (invented) author would write in.
SESSION_COMMENTS = {
    1: "Очень полезные примеры из практики.",
    4: "希望有更多时间提问。",
    7: "Clear and well structured; the interpretation was good.",
    10: "Хотелось бы получить слайды заранее.",
}
SUGGESTIONS = {
    15: "Больше сравнительного анализа судебной практики стран ШОС.",
    3: "希望下次能增加案例讨论环节。",
    6: "More time for questions after each lecture, please.",
    9: "Предлагаю организовать встречу выпускников через год.",
    12: "请提前提供讲座材料的俄文译本。",
}


def _question(survey: Survey, kind: str, text: dict, position: int, **fields) -> Question:
    options = fields.pop("options", [])
    question = Question(survey=survey, kind=kind, text=text, position=position, **fields)
    return services.save_question(
        SYSTEM, question, [Option(text=t, correct=correct) for t, correct in options]
    )


def _rating_survey(
    programme: Programme, sessions: list[Session]
) -> tuple[Survey, Question, Question]:
    survey = services.save_survey(
        SYSTEM,
        Survey(
            programme=programme,
            kind=Survey.Kind.SESSION_RATING,
            title=i18n("Rate this session", "Оцените занятие", "为本节课程评分"),
            anonymous=True,
            opens_at=_local(2021, 4, 15),
            closes_at=None,  # left open, so that the demo participant can still answer
        ),
        sessions=sessions,
    )
    usefulness = _question(
        survey,
        Question.Kind.SCALE,
        i18n(
            "How useful was this session for your work?",
            "Насколько это занятие полезно для вашей работы?",
            "本节课程对您的工作有多大帮助？",
        ),
        1,
        required=True,
        low_label=i18n("Not useful", "Бесполезно", "没有帮助"),
        high_label=i18n("Very useful", "Очень полезно", "非常有帮助"),
    )
    comment = _question(
        survey,
        Question.Kind.TEXT,
        i18n(
            "Anything to add? (optional)",
            "Что-нибудь добавить? (необязательно)",
            "其他意见（选填）",
        ),
        2,
    )
    return survey, usefulness, comment


def _end_survey(programme: Programme) -> tuple[Survey, Question, Question, Question, list[Option]]:
    survey = services.save_survey(
        SYSTEM,
        Survey(
            programme=programme,
            kind=Survey.Kind.PROGRAMME_END,
            title=i18n("The seminar as a whole", "Семинар в целом", "研修班整体评价"),
            anonymous=True,
            opens_at=_local(2021, 4, 21, "12:00"),
            closes_at=None,
        ),
    )
    overall = _question(
        survey,
        Question.Kind.SCALE,
        i18n(
            "Overall, how useful was the seminar?",
            "В целом, насколько полезным был семинар?",
            "总体而言，研修班对您有多大帮助？",
        ),
        1,
        required=True,
        low_label=i18n("Not useful", "Бесполезно", "没有帮助"),
        high_label=i18n("Very useful", "Очень полезно", "非常有帮助"),
    )
    more = _question(
        survey,
        Question.Kind.CHOICE,
        i18n(
            "What would you like more of?", "Чего бы вам хотелось больше?", "您希望增加哪些内容？"
        ),
        2,
        multiple=True,
        options=[
            (i18n("Case studies", "Разбор дел", "案例分析"), False),
            (i18n("Discussion", "Обсуждения", "讨论交流"), False),
            (i18n("Study visits", "Ознакомительные визиты", "实地考察"), False),
        ],
    )
    suggestions = _question(
        survey,
        Question.Kind.TEXT,
        i18n("Your suggestions", "Ваши предложения", "您的建议"),
        3,
    )
    return survey, overall, more, suggestions, list(more.options.all())


def _quiz(programme: Programme) -> tuple[Survey, list[tuple[Question, list[Option]]]]:
    survey = services.save_survey(
        SYSTEM,
        Survey(
            programme=programme,
            kind=Survey.Kind.QUIZ,
            title=i18n("What did you learn?", "Что вы узнали?", "学习测验"),
            intro=i18n(
                "Optional. You will see your score after submitting.",
                "Необязательно. Результат вы увидите после отправки.",
                "自愿参加。提交后即可看到您的得分。",
            ),
            anonymous=False,
            opens_at=_local(2021, 4, 20, "17:15"),
            closes_at=None,
        ),
    )
    questions = [
        _question(
            survey,
            Question.Kind.QUIZ,
            i18n(
                "In which year was the SCO founded?",
                "В каком году была основана ШОС?",
                "上海合作组织成立于哪一年？",
            ),
            1,
            points=1,
            options=[
                (i18n("1996", "1996", "1996年"), False),
                (i18n("2001", "2001", "2001年"), True),
                (i18n("2017", "2017", "2017年"), False),
            ],
        ),
        _question(
            survey,
            Question.Kind.QUIZ,
            i18n(
                "Which are the SCO's official languages?",
                "Какие языки являются официальными языками ШОС?",
                "上海合作组织的官方语言是哪些？",
            ),
            2,
            points=2,
            options=[
                (i18n("Chinese", "Китайский", "汉语"), True),
                (i18n("Russian", "Русский", "俄语"), True),
                (i18n("English", "Английский", "英语"), False),
            ],
        ),
        _question(
            survey,
            Question.Kind.QUIZ,
            i18n(
                "Where is the SCO Secretariat?",
                "Где находится Секретариат ШОС?",
                "上海合作组织秘书处设在哪里？",
            ),
            3,
            points=1,
            options=[
                (i18n("Beijing", "Пекин", "北京"), True),
                (i18n("Tashkent", "Ташкент", "塔什干"), False),
                (i18n("Shanghai", "Шанхай", "上海"), False),
            ],
        ),
    ]
    return survey, [(q, list(q.options.all())) for q in questions]


def _follow_up(programme: Programme) -> None:
    survey = services.save_survey(
        SYSTEM,
        Survey(
            programme=programme,
            kind=Survey.Kind.FOLLOW_UP,
            title=i18n(
                "Ten months on: the seminar and your work",
                "Десять месяцев спустя: семинар и ваша работа",
                "十个月后：研修班与您的工作",
            ),
            anonymous=True,
            opens_at=_local(2022, 2, 15, "10:00"),
            send_at=_local(2022, 2, 15, "10:00"),
            closes_at=_local(2022, 3, 31),
        ),
    )
    _question(
        survey,
        Question.Kind.SCALE,
        i18n(
            "How much have you used what you learnt in your work?",
            "Насколько вы применяете полученные знания в работе?",
            "您在工作中运用所学知识的程度如何？",
        ),
        1,
        required=True,
        low_label=i18n("Not at all", "Совсем нет", "完全没有"),
        high_label=i18n("A great deal", "В значительной мере", "很多"),
    )
    _question(
        survey,
        Question.Kind.TEXT,
        i18n(
            "Please give an example.",
            "Приведите, пожалуйста, пример.",
            "请举一个例子。",
        ),
        2,
    )


def _quiz_answer(options: list[Option], *, right: bool) -> AnswerInput:
    if right:
        return AnswerInput(options=tuple(o.pk for o in options if o.correct))
    return AnswerInput(options=(next(o.pk for o in options if not o.correct),))


@transaction.atomic
def load_demo(programme: Programme) -> None:
    """Add the demo surveys and answers to ``programme``, once."""
    if programme.surveys.exists():
        return
    sessions = list(programme.sessions.filter(kind__in=RATED_KINDS).order_by("start"))
    judges = list(
        programme.participations.filter(kind=Participation.Kind.PARTICIPANT).order_by(
            "country_id", "id"
        )
    )
    rating, usefulness, comment = _rating_survey(programme, sessions)
    end, overall, more, suggestions, more_options = _end_survey(programme)
    quiz, quiz_questions = _quiz(programme)
    _follow_up(programme)

    # The demo's own participant (the first judge) has rated nothing yet and has
    # the quiz and the end survey still to do; those surveys are left open, so the
    # prompts show. The follow-up closed in March 2022, so the demo e-mails no one.
    for number, judge in enumerate(judges[1:], start=1):
        for index, session in enumerate(sessions):
            if (number + index) % 6 == 0:
                continue  # not everyone rates every session
            answers = {usefulness.pk: AnswerInput(rating=RATING_PATTERN[(number * 3 + index) % 11])}
            if index == 1 and number in SESSION_COMMENTS:
                answers[comment.pk] = AnswerInput(text=SESSION_COMMENTS[number])
            services.save_answers(
                SYSTEM,
                rating,
                judge,
                session,
                answers,
                submit=True,
                now=session.end + timedelta(minutes=20),
            )
        after_end = _local(2021, 4, 21, "18:00")
        end_answers = {
            overall.pk: AnswerInput(rating=RATING_PATTERN[number % 11]),
            more.pk: AnswerInput(options=(more_options[number % 3].pk,)),
        }
        if number in SUGGESTIONS:
            end_answers[suggestions.pk] = AnswerInput(text=SUGGESTIONS[number])
        services.save_answers(SYSTEM, end, judge, None, end_answers, submit=True, now=after_end)
        if number % 4 != 0:
            chosen = {
                question.pk: _quiz_answer(options, right=(number + position) % 3 != 0)
                for position, (question, options) in enumerate(quiz_questions)
            }
            services.save_answers(
                SYSTEM, quiz, judge, None, chosen, submit=True, now=_local(2021, 4, 21, "19:00")
            )
