"""The survey state machine: order of screens, back, skip, filters, idle timeout, flags."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.flow import Step, SurveyFlow
from kiosk.questionnaire import SKM_CODES
from kiosk.response import validate_wire


class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def make_flow(config, clock, **kiosk):
    wall0 = datetime(2026, 11, 28, 8, 0, tzinfo=config.tz)
    return SurveyFlow(config.with_kiosk(**kiosk) if kiosk else config, clock=clock,
                      wall=lambda: wall0 + timedelta(seconds=clock.now - 1000.0))


def tap(flow, clock, action, *args, **kwargs):
    """A person's tap: a moment after the previous one."""
    clock.advance(1.5)
    return action(*args, **kwargs)


def answer_all(flow, clock, values):
    for value in values:
        assert tap(flow, clock, flow.answer, value)


def test_full_survey_builds_the_response(demo_config, clock):
    flow = make_flow(demo_config, clock)
    assert flow.step is Step.WELCOME
    assert tap(flow, clock, flow.set_locale, "en")
    assert tap(flow, clock, flow.start)
    assert flow.step is Step.SERVICE
    assert tap(flow, clock, flow.choose_service, "kk")
    assert flow.step is Step.QUESTION and flow.question.code == "U1"
    answer_all(flow, clock, [4, 3, 2, 1, 4, 3, 2, 1, 4])
    assert flow.step is Step.PROFILE
    assert tap(flow, clock, flow.toggle_profile, "gender", "f")
    assert tap(flow, clock, flow.toggle_profile, "age_group", "25-34")
    assert tap(flow, clock, flow.finish_profile)
    assert flow.step is Step.COMMENT
    assert flow.type_comment("Antrian cepat") == "Antrian cepat"
    assert tap(flow, clock, flow.finish_comment)
    assert flow.step is Step.SAVING
    response = flow.pending_response
    assert response.answers == dict(zip(SKM_CODES, [4, 3, 2, 1, 4, 3, 2, 1, 4]))
    assert response.service_id == "kk" and response.office_id == demo_config.office.id
    assert response.profile == {"gender": "f", "age_group": "25-34"}
    assert response.comment == "Antrian cepat"
    assert response.locale == "en" and response.complete is True and response.flags == ()
    assert response.started_at.endswith("+08:00")  # Asia/Makassar, from the office config
    assert validate_wire(response.to_wire(), demo_config.questionnaire) == []
    flow.saved()
    assert flow.step is Step.THANK_YOU and flow.pending_response is None


def test_thank_you_returns_to_welcome_after_configured_time(demo_config, clock):
    flow = make_flow(demo_config, clock, ask_profile=False, ask_comment=False, service="ktp-el")
    tap(flow, clock, flow.start)
    answer_all(flow, clock, [3] * 9)
    flow.saved()
    clock.advance(demo_config.kiosk.thank_you_s - 0.1)
    assert flow.tick() is None and flow.step is Step.THANK_YOU
    clock.advance(0.2)
    assert flow.tick() is None and flow.step is Step.WELCOME


def test_bound_service_skips_the_service_screen(demo_config, clock):
    flow = make_flow(demo_config, clock, service="akta-lahir")
    tap(flow, clock, flow.start)
    assert flow.step is Step.QUESTION and not flow.can_go_back
    answer_all(flow, clock, [4] * 9)
    tap(flow, clock, flow.finish_profile, skip=True)
    tap(flow, clock, flow.finish_comment, skip=True)
    assert flow.pending_response.service_id == "akta-lahir"


def test_no_profile_no_comment_saves_after_last_question(demo_config, clock):
    flow = make_flow(demo_config, clock, ask_profile=False, ask_comment=False)
    tap(flow, clock, flow.start)
    tap(flow, clock, flow.choose_service, "ktp-el")
    answer_all(flow, clock, [2] * 9)
    assert flow.step is Step.SAVING
    assert flow.pending_response.profile == {} and flow.pending_response.comment is None


def test_back_walks_the_screens_in_reverse_and_keeps_answers(demo_config, clock):
    flow = make_flow(demo_config, clock)
    tap(flow, clock, flow.start)
    tap(flow, clock, flow.choose_service, "kk")
    answer_all(flow, clock, [4, 3])
    assert flow.question.code == "U3"
    assert tap(flow, clock, flow.back)
    assert flow.question.code == "U2" and flow.current_answer == 3
    assert tap(flow, clock, flow.answer, 1)
    assert flow.question.code == "U3"
    answer_all(flow, clock, [4] * 7)
    assert flow.step is Step.PROFILE
    assert tap(flow, clock, flow.back) and flow.step is Step.QUESTION and flow.question.code == "U9"
    assert tap(flow, clock, flow.answer, 2)
    tap(flow, clock, flow.finish_profile, skip=True)
    assert tap(flow, clock, flow.back) and flow.step is Step.PROFILE
    for _ in range(9):
        assert tap(flow, clock, flow.back)
    assert flow.step is Step.QUESTION and flow.question.code == "U1"
    assert tap(flow, clock, flow.back) and flow.step is Step.SERVICE
    assert tap(flow, clock, flow.back) and flow.step is Step.WELCOME
    assert flow.answers == {}


def test_skip_only_when_the_office_allows_it(demo_config, clock):
    strict = make_flow(demo_config, clock, service="kk")
    tap(strict, clock, strict.start)
    assert not strict.can_skip
    assert not tap(strict, clock, strict.skip)
    assert strict.question.code == "U1"

    lenient = make_flow(demo_config, clock, service="kk", allow_skip=True, ask_profile=False, ask_comment=False)
    clock.advance(60)
    tap(lenient, clock, lenient.start)
    assert tap(lenient, clock, lenient.answer, 4)
    assert tap(lenient, clock, lenient.skip)
    answer_all(lenient, clock, [3] * 7)
    response = lenient.pending_response
    assert "U2" not in response.answers and len(response.answers) == 8
    assert validate_wire(response.to_wire()) == []


def test_double_tap_is_ignored(demo_config, clock):
    flow = make_flow(demo_config, clock, service="kk")
    tap(flow, clock, flow.start)
    assert tap(flow, clock, flow.answer, 4)
    clock.advance(demo_config.kiosk.double_tap_s / 2)
    assert not flow.answer(1), "the second tap of a double tap must not answer U2"
    assert flow.question.code == "U2" and "U2" not in flow.answers
    clock.advance(demo_config.kiosk.double_tap_s)
    assert flow.answer(1) and flow.answers["U2"] == 1


def test_min_gap_between_respondents(demo_config, clock):
    flow = make_flow(demo_config, clock, service="kk", ask_profile=False, ask_comment=False,
                     min_gap_s=30, thank_you_s=5)
    tap(flow, clock, flow.start)
    answer_all(flow, clock, [4] * 9)
    flow.saved()
    clock.advance(6)
    flow.tick()
    assert flow.step is Step.WELCOME
    assert flow.start_blocked_for() == pytest.approx(24)
    assert not flow.start() and flow.step is Step.WELCOME
    clock.advance(24)
    assert flow.start() and flow.step is Step.QUESTION


def test_fast_flag_when_finished_faster_than_reading_time(demo_config, clock):
    flow = make_flow(demo_config, clock, service="kk", ask_profile=False, ask_comment=False, min_survey_s=20)
    flow.start()
    for value in [4] * 9:
        clock.advance(0.5)  # 4.5 s for nine questions: nobody read them
        flow.answer(value)
    assert flow.pending_response.flags == ("fast",)

    flow.saved()
    clock.advance(60)
    flow.tick()
    flow.start()
    for value in [4] * 9:
        clock.advance(3)
        flow.answer(value)
    assert flow.pending_response.flags == ()


def test_idle_timeout_returns_an_incomplete_response_and_resets(demo_config, clock):
    flow = make_flow(demo_config, clock)
    tap(flow, clock, flow.set_locale, "en")
    tap(flow, clock, flow.start)
    tap(flow, clock, flow.choose_service, "ktp-el")
    answer_all(flow, clock, [4, 4, 3])
    clock.advance(demo_config.kiosk.idle_timeout_s - 1)
    assert flow.tick() is None and flow.step is Step.QUESTION
    clock.advance(1)
    abandoned = flow.tick()
    assert abandoned is not None
    assert abandoned.complete is False and abandoned.answers == {"U1": 4, "U2": 4, "U3": 3}
    assert abandoned.flags == () and abandoned.service_id == "ktp-el"
    assert validate_wire(abandoned.to_wire()) == []
    assert flow.step is Step.WELCOME and flow.answers == {}
    assert flow.start_blocked_for() == 0


def test_typing_keeps_the_survey_alive_and_is_cut_at_the_limit(demo_config, clock):
    flow = make_flow(demo_config, clock, service="kk", ask_profile=False, comment_max=10)
    tap(flow, clock, flow.start)
    answer_all(flow, clock, [4] * 9)
    assert flow.step is Step.COMMENT
    clock.advance(demo_config.kiosk.idle_timeout_s - 5)
    assert flow.type_comment("a very long suggestion") == "a very lon"
    clock.advance(10)
    assert flow.tick() is None and flow.step is Step.COMMENT


def test_welcome_is_never_timed_out(demo_config, clock):
    flow = make_flow(demo_config, clock)
    clock.advance(10_000)
    assert flow.tick() is None and flow.step is Step.WELCOME


def test_save_failure_keeps_the_response_for_retry(demo_config, clock):
    flow = make_flow(demo_config, clock, service="kk", ask_profile=False, ask_comment=False)
    tap(flow, clock, flow.start)
    answer_all(flow, clock, [1] * 9)
    pending = flow.pending_response
    flow.save_error()
    assert flow.step is Step.SAVING and flow.save_failed
    clock.advance(demo_config.kiosk.idle_timeout_s * 2)
    assert flow.tick() is None and flow.step is Step.SAVING
    assert tap(flow, clock, flow.retry_save) is pending
    flow.saved()
    assert flow.step is Step.THANK_YOU


def test_locale_must_be_offered(demo_config, clock):
    flow = make_flow(demo_config, clock, locales=["id"])
    assert not tap(flow, clock, flow.set_locale, "en")
    assert flow.locale == "id"


def test_profile_chip_toggles(demo_config, clock):
    flow = make_flow(demo_config, clock, service="kk")
    tap(flow, clock, flow.start)
    answer_all(flow, clock, [4] * 9)
    tap(flow, clock, flow.toggle_profile, "education", "sma")
    tap(flow, clock, flow.toggle_profile, "education", "s1")
    assert flow.profile == {"education": "s1"}
    tap(flow, clock, flow.toggle_profile, "education", "s1")
    assert flow.profile == {}


def test_extra_flags_are_stamped(demo_config, clock):
    flow = SurveyFlow(demo_config.with_kiosk(service="kk", ask_profile=False, ask_comment=False),
                      clock=clock, flags=("simulated",))
    tap(flow, clock, flow.start)
    answer_all(flow, clock, [4] * 9)
    assert flow.pending_response.flags == ("simulated",)


def test_large_text_lasts_one_respondent(demo_config, clock):
    flow = make_flow(demo_config, clock, service="kk", ask_profile=False, ask_comment=False)
    assert flow.large_text is False
    assert tap(flow, clock, flow.set_large_text, True) and flow.large_text
    tap(flow, clock, flow.start)
    assert flow.large_text, "starting the survey keeps the respondent's choice"
    assert flow.set_large_text(False) is False and flow.large_text, "switched on the welcome screen only"
    answer_all(flow, clock, [4] * 9)
    flow.saved()
    clock.advance(demo_config.kiosk.thank_you_s)
    flow.tick()
    assert flow.step is Step.WELCOME and flow.large_text is False, "the next respondent starts normal"


def test_large_text_is_reset_by_the_idle_timeout(demo_config, clock):
    flow = make_flow(demo_config, clock, service="kk")
    tap(flow, clock, flow.set_large_text, True)
    tap(flow, clock, flow.start)
    clock.advance(demo_config.kiosk.idle_timeout_s)
    assert flow.tick() is not None and flow.large_text is False
