"""The REPL fed with input lines, as a user would type them."""

from __future__ import annotations

import io

from bot.repl import run_repl


def _session(service, *lines: str) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    assert run_repl(service, iter(lines), out=out) == 0
    return out.getvalue()


def test_question_follow_up_and_sources(seeded_service) -> None:  # type: ignore[no-untyped-def]
    out = _session(
        seeded_service,
        "Why did Rouhani refuse to take the call from Trump that Macron arranged?",
        "and where was he staying?",
        "/sources",
        "/quit",
        "this line is never read",
    )
    assert "Millennium Hilton" in out
    assert out.count("Sources:") == 2
    assert "never read" not in out
    assert out.rstrip().endswith("Bye.")


def test_reset_forgets_the_conversation(seeded_service) -> None:  # type: ignore[no-untyped-def]
    out = _session(seeded_service, "Which hotel was Rouhani staying at?", "/reset", "/sources")
    assert "Conversation cleared." in out
    assert "No sources yet" in out


def test_help_unknown_command_and_end_of_input(seeded_service) -> None:  # type: ignore[no-untyped-def]
    out = _session(seeded_service, "/help", "/frobnicate", "   ")
    assert "/sources" in out and "Unknown command /frobnicate" in out
    assert out.rstrip().endswith("Bye.")


def test_ctrl_c_during_a_slow_answer_stops_that_answer_and_keeps_the_conversation(seeded_service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real_stream = seeded_service.stream

    def stream(question, conversation=None, filters=None):  # type: ignore[no-untyped-def]
        if question.startswith("Slow"):
            yield "The answer begins"
            raise KeyboardInterrupt  # the user pressed Ctrl-C while the model was still writing
        yield from real_stream(question, conversation, filters)

    monkeypatch.setattr(seeded_service, "stream", stream)
    out = _session(
        seeded_service,
        "Why did Rouhani refuse to take the call from Trump that Macron arranged?",
        "Slow: tell me everything about Iran",
        "and where was he staying?",
        "/sources",
    )
    assert "(Stopped. The conversation goes on" in out
    after = out.split("(Stopped.", 1)[1]
    assert "Millennium Hilton" in after  # the follow-up still knew the topic: the conversation was kept
    assert after.count("Sources:") == 1  # the follow-up was answered in full
    assert out.rstrip().endswith("Bye.")
