"""Tokenizers: Sudachi content words and character bigrams."""

from retrieval.tokenize import bigram_tokens, sudachi_tokens


def test_particles_symbols_and_question_frame_are_dropped() -> None:
    tokens = sudachi_tokens("地場産業成長プランの外部依存性とは何ですか？教えてください")
    assert "依存性" in tokens and "地場" in tokens
    for dropped in ("の", "は", "何", "？", "?", "教える", "下さる", "です"):
        assert dropped not in tokens


def test_query_and_document_spelling_meet() -> None:
    doc = sudachi_tokens("コネクタ一度:企業の域外販売額")  # OCR slip in the source
    query = sudachi_tokens("コネクター度の定義")
    assert {"コネクター", "度"} <= set(doc) & set(query)


def test_colloquial_tte_keeps_the_noun() -> None:
    assert "度" in sudachi_tokens("ハブ度って何")


def test_long_text_is_tokenized_in_slices() -> None:
    tokens = sudachi_tokens("地域産業クラスター計画。" * 3000)
    assert tokens.count("クラスター") == 3000


def test_bigrams_skip_punctuation() -> None:
    assert bigram_tokens("KPI・目標") == ["kp", "pi", "目標"]


def test_every_sudachi_tokenizer_shares_one_dictionary() -> None:
    from bot.plans import lemmas
    from retrieval.tokenize import sudachi_dictionary, sudachi_tokens

    sudachi_tokens("地域未来戦略")
    lemmas.lemma_view("中心となりました")  # split mode C
    assert lemmas.lemma_view("中心となりました")[0].startswith("中心となる")
    assert sudachi_dictionary.cache_info().currsize == 1  # one ≈ 200 MB dictionary, not one per tokenizer
