from __future__ import annotations

from ingest.chunking import ChunkingOptions, chunk_document, estimate_tokens
from ingest.models import Document, DocumentMeta
from ingest.structure import split_sentences


def doc(text: str, title: str = "Guide", language: str = "en") -> Document:
    return Document(
        path="guide.md",
        title=title,
        text=text,
        meta=DocumentMeta(),
        language=language,
        content_hash="h",
    )


def test_english_sentences_stay_whole() -> None:
    text = 'Listen first. Then say "I am sorry." Version 2.5 is out! Is it? Yes.'
    assert split_sentences(text) == [
        "Listen first.",
        'Then say "I am sorry."',
        "Version 2.5 is out!",
        "Is it?",
        "Yes.",
    ]


def test_japanese_sentence_ends() -> None:
    text = (
        "お客様が怒っています。どうすればいいですか？まず聞きましょう！「ありがとう」と言います。"
    )
    assert split_sentences(text) == [
        "お客様が怒っています。",
        "どうすればいいですか？",
        "まず聞きましょう！",
        "「ありがとう」と言います。",
    ]


def test_chunks_follow_headings_and_know_their_section() -> None:
    text = "# Guide\nIntro line.\n\n## Refunds\n### Limits\nUp to ¥10,000.\n\n## Tone\nBe warm."
    chunks = chunk_document(doc(text))
    assert [(c.section, c.text) for c in chunks] == [
        ("", "Intro line."),
        ("Refunds > Limits", "Up to ¥10,000."),
        ("Tone", "Be warm."),
    ]
    assert all(c.title == "Guide" for c in chunks)


def test_headings_inside_code_fences_are_not_sections() -> None:
    chunks = chunk_document(doc("## Real\n```\n# not a heading\n```\ntext"))
    assert {c.section for c in chunks} == {"Real"}


def test_bounded_size_with_overlap_and_whole_sentences() -> None:
    sentences = [f"Sentence number {i} talks about delivery promises." for i in range(60)]
    options = ChunkingOptions(max_tokens=60, overlap_tokens=12)
    chunks = chunk_document(doc(" ".join(sentences)), options)
    assert len(chunks) > 5
    for chunk in chunks:
        assert estimate_tokens(chunk.text) <= 60 + 12
        assert chunk.text.endswith(".")
    # The last sentence of one chunk opens the next one.
    first_last = split_sentences(chunks[0].text)[-1]
    assert split_sentences(chunks[1].text)[0] == first_last


def test_japanese_text_is_chunked_by_sentences() -> None:
    body = "".join(f"これは配送についての{i}番目の文です。" for i in range(80))
    chunks = chunk_document(doc(body, language="ja"), ChunkingOptions(max_tokens=100))
    assert len(chunks) > 3
    assert all(c.text.endswith("。") for c in chunks)
    assert all(c.language == "ja" for c in chunks)


def test_chunk_ids_change_with_content() -> None:
    a = chunk_document(doc("Hello there."))
    changed = doc("Hello there.").model_copy(update={"content_hash": "other"})
    assert a[0].id != chunk_document(changed)[0].id
    assert a[0].id == chunk_document(doc("Hello there."))[0].id


def test_list_items_are_kept_as_lines() -> None:
    chunks = chunk_document(doc("## Steps\n- Listen.\n- Acknowledge.\n- Fix it."))
    assert chunks[0].text == "- Listen.\n- Acknowledge.\n- Fix it."


def test_plain_text_headings_do_not_run_into_their_first_sentence() -> None:
    text = (
        "Damaged or faulty items\nIf your item arrived damaged, call us.\n\n"
        "配送について\nご注文から3日でお届けします。"
    )
    chunks = chunk_document(doc(text))
    joined = "\n".join(c.text for c in chunks)
    assert "Damaged or faulty items\nIf your item" in joined
    assert "配送について\nご注文から" in joined


def test_a_plain_text_heading_heads_its_own_chunks() -> None:
    text = "Damaged or faulty items\nIf your item arrived damaged, call us.\n"
    chunks = chunk_document(doc(text).model_copy(update={"path": "returns.txt"}))
    assert [(c.section, c.text) for c in chunks] == [
        ("Damaged or faulty items", "If your item arrived damaged, call us.")
    ]
