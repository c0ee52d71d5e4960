"""The interactive terminal chat: the same answering pipeline as Slack, for trying it out."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel

from bot.answering.conversation import keep_topic
from bot.answering.models import Turn
from bot.answering.render import answer_text
from bot.settings import Settings
from ingest.index import KnowledgeIndex

HELP = (
    "Ask anything about customer experience in your role, in English or Japanese.\n"
    "Commands: /role <role> sets your role (e.g. /role warehouse), /role clears it, "
    "/new starts a new conversation, /quit leaves."
)


def run_chat(
    settings: Settings, index: KnowledgeIndex, *, role: str | None, console: Console
) -> None:
    from bot.wiring import build_answering, build_chat_model

    service = build_answering(settings, index, build_chat_model(settings))
    index.warm_up()  # load everything before the first question
    console.print(Panel(HELP, title="CX Assistant", expand=False), highlight=False)
    history: list[Turn] = []
    while True:
        try:
            question = console.input("[bold cyan]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if not question:
            continue
        if question in ("/quit", "/exit"):
            return
        if question == "/new":
            history.clear()
            console.print("Started a new conversation.")
            continue
        if question.startswith("/role"):
            role = question.removeprefix("/role").strip() or None
            console.print(f"Role set to {role}." if role else "Role cleared.", markup=False)
            continue
        if question in ("/help", "?"):
            console.print(HELP, markup=False)
            continue
        answer = service.answer(question, role=role, history=history)
        console.print(answer_text(answer), markup=False, highlight=False, soft_wrap=True)
        console.print()
        history.extend(
            [Turn(role="user", text=question), Turn(role="assistant", text=answer.answer)]
        )
        history[:] = keep_topic(history)
