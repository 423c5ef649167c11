"""A theme is named by the phrase its customers use, every name different."""

import pytest

from outsidein.insights.analysis.themes import Theme, fit_themes
from outsidein.insights.analysis.themes.phrases import name_themes, phrases_of, unique_labels


def theme(label: str = "x") -> Theme:
    return Theme(id=0, label=label, top_terms=[], size=0, member_indices=[], representative_quotes=[])


def test_phrases_keep_customer_words_and_drop_function_words_at_their_edges():
    found = phrases_of("My top up failed again and I called back twice")
    assert {"top up", "top up failed", "failed", "called back"} <= found
    assert not any(p.split()[0] in {"my", "and", "i", "up", "back"} or p.split()[-1] in {"my", "and", "i"}
                   for p in found)
    # A particle ends a phrase after a content word: "logged out", "spot on", though "out" and "on" are stop words.
    assert {"driver app logged out", "spot on"} <= phrases_of("The driver app logged out. Tracking is spot on")
    assert "out" not in phrases_of("out of stock") and "on" not in phrases_of("on time")
    assert not any(p.endswith(" on") for p in phrases_of("Detention charges on our invoices"))


def test_the_longer_phrase_customers_share_beats_its_single_words():
    texts = ["My top up failed this morning", "Top up failed twice", "why did my top up fail", "top up failed again",
             "The top up failed, what now?", "top up failed with my visa"]
    rest = ["How do I change my PIN?", "Where is my new card", "I want to close my account", "My card is lost",
            "Can I get a refund", "The exchange rate was wrong"] * 5
    named = [theme()]
    name_themes(named, [texts], texts + rest)
    assert named[0].label == "Top up failed"


def test_names_are_unique_a_repeated_one_takes_its_next_phrase_or_a_number():
    assert unique_labels(["Card", "Card", "Card"], [[], ["New card"], ["Card"]]) == ["Card", "New card", "Card (2)"]
    assert unique_labels(["Refund"], [[]]) == ["Refund"]


@pytest.mark.parametrize("method", ["tfidf", "embeddings"])
def test_a_fit_names_every_theme_differently_in_sentence_case(method):
    from outsidein.insights.analysis import embeddings

    if method == "embeddings" and not embeddings.is_available():
        pytest.skip("the model package is not installed")
    texts = (["my card has not arrived", "still waiting for my card to arrive", "card not arrived yet"] * 6
             + ["the invoice was wrong", "wrong amount on the invoice", "invoice amount is wrong"] * 6
             + ["app keeps crashing", "the app crashes on login", "app crashing again"] * 6)
    model = fit_themes(texts, k=3, method=method)
    labels = [t.label for t in model.themes]
    assert len(set(labels)) == 3 and all(label[:1].isupper() and ", " not in label for label in labels)
    assert any("invoice" in label.lower() for label in labels) and any("app" in label.lower() for label in labels)


def test_a_phrase_stops_where_another_part_of_the_sentence_starts():
    found = phrases_of("On most lanes the price is higher than the competition and we will compare rates")
    assert "lanes" in found and "price" in found and "higher" in found
    assert not any(p.startswith("lanes the") or " than " in p or " we " in p for p in found)
    assert "proof of the delivery" in phrases_of("proof of the delivery went missing")
    assert "edi mapping" in phrases_of("the edi mapping would save us hours") and not any(
        "would" in p for p in phrases_of("the edi mapping would save us hours"))


def test_a_phrase_does_not_run_over_punctuation():
    found = phrases_of("The driver app crashes on proof of delivery upload. Drivers hate the app")
    assert "proof of delivery upload" in found and "drivers hate" in found
    assert not any("upload drivers" in p for p in found)
    assert not any("etas off" in p or "again off" in p for p in phrases_of("Wrong ETAs again, off by hours"))


def test_a_negation_starts_a_phrase_so_a_name_keeps_its_meaning():
    texts = [f"Second follow-up on load {n}, nobody has replied to my ticket." for n in range(41000, 41012)]
    rest = ["The helpdesk answered within the hour", "Great support, quick answers"] * 10
    found = phrases_of(texts[0])
    assert "nobody has replied" in found and "no" not in found
    assert "no call back" in phrases_of("No call back from the helpdesk")
    named = [theme()]
    name_themes(named, [texts], texts + rest)
    assert named[0].label == "Nobody has replied"


def test_a_fragment_of_a_longer_phrase_does_not_name_a_theme():
    # "logouts in the driver" is nearly always followed by "app": cut out of a longer phrase, not a name.
    texts = ["daily logouts in the driver app", "so many daily logouts in the driver app today",
             "daily logouts in the driver app again", "daily logouts in the driver app, every shift",
             "the daily logouts in the driver app are killing us", "daily logouts in the driver app"]
    rest = ["How do I change my PIN?", "Where is my new card", "I want to close my account"] * 5
    named = [theme()]
    name_themes(named, [texts], texts + rest)
    # Said by all of them and the longest, it would win on its score alone.
    assert named[0].label in {"Daily logouts", "Driver app", "Daily logouts in the driver app"}
