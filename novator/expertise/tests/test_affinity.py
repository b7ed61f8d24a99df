"""Affinity: Russian word forms match, stop-words carry nothing, topics add, and the chair sees why."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from novator.expertise.assignment.affinity import RUSSIAN_STOP_WORDS, AffinityModel, analyze, build_affinity


def test_different_word_forms_give_a_positive_similarity():
    m = build_affinity(["инновационный"], [set()], ["инновационные", "дошкольники"], [set(), set()])
    assert sp.issparse(m) and m.shape == (1, 2)
    assert m[0, 0] > 0.5
    assert m[0, 1] == 0


def test_yo_and_case_are_normalised():
    assert analyze("Ёлка ЁЛКИ елки") == analyze("елка елки елки")
    m = build_affinity(["Зелёная ЁЛКА"], [set()], ["зеленая елка"], [set()], topic_weight=0.0)
    assert m[0, 0] == pytest.approx(1.0)


def test_stop_words_are_ignored():
    assert analyze("и в на что который также это для") == []
    assert {"и", "в", "не", "что", "который", "также", "это", "между"} <= RUSSIAN_STOP_WORDS
    m = build_affinity(
        ["и в на для которые также робототехника"], [set()], ["и в на для которые также театр"], [set()]
    )
    assert m[0, 0] == 0


def test_topic_overlap_adds_to_the_text_similarity():
    texts_e, texts_a = ["проект по робототехнике"], ["робототехника в школе", "робототехника в школе"]
    topics_e = [{"STEM", "Инженерное образование"}]
    topics_a = [{"stem", "инженерное образование"}, {"театр"}]
    model = AffinityModel(topic_weight=0.3).fit(texts_e, topics_e, texts_a, topics_a)
    assert model.matrix is not None and model.text_similarity is not None
    m = model.matrix.toarray()
    assert model.text_similarity[0, 0] == pytest.approx(model.text_similarity[0, 1])
    assert m[0, 0] > m[0, 1] > 0
    assert m[0, 0] == pytest.approx(
        0.7 * model.text_similarity[0, 0] + 0.3 * 1.0
    )  # Jaccard of equal sets = 1
    assert model.shared_topics(0, 0) == ["stem", "инженерное образование"]


def test_jaccard_is_intersection_over_union():
    model = AffinityModel(topic_weight=1.0).fit(
        ["а"], [{"a", "b", "c"}], ["б", "в"], [{"b", "c", "d"}, set()]
    )
    assert model.matrix is not None
    assert model.matrix[0, 0] == pytest.approx(2 / 4)
    assert model.matrix[0, 1] == 0


def test_matrix_is_cosine_of_tfidf_and_bounded():
    rng = np.random.default_rng(0)
    words = [
        "цифровая",
        "среда",
        "школа",
        "проект",
        "робототехника",
        "театр",
        "музей",
        "экология",
        "краеведение",
        "наставничество",
    ]
    experts = [" ".join(rng.choice(words, 12)) for _ in range(7)]
    apps = [" ".join(rng.choice(words, 20)) for _ in range(11)]
    model = AffinityModel(topic_weight=0.0).fit(experts, [set()] * 7, apps, [set()] * 11)
    assert model.matrix is not None
    m = model.matrix.toarray()
    assert m.shape == (7, 11)
    assert (m >= 0).all() and (m <= 1 + 1e-9).all()
    # An expert whose text equals an application's text has similarity 1 with it.
    same = AffinityModel(topic_weight=0.0).fit([apps[3]], [set()], apps, [set()] * 11)
    assert same.matrix is not None
    assert same.matrix[0, 3] == pytest.approx(1.0)


def test_explain_returns_the_shared_terms_in_a_readable_form():
    model = AffinityModel().fit(
        ["Инновационный проект: цифровая образовательная среда сельской школы"],
        [set()],
        ["Инновационные проекты цифровой образовательной среды", "Театральная студия"],
        [set(), set()],
    )
    terms = model.explain(0, 0)
    words = [t for t, _ in terms]
    # Five shared terms, each matched across word forms («проект»/«проекты», «среда»/«среды», …).
    assert sorted(analyze(" ".join(words))) == sorted(
        analyze("инновационный проект цифровая образовательная среда")
    )
    assert all(w[0].isalpha() and w == w.lower() for w in words)  # words, not stems like «инновацион»
    assert "инновацион" not in words
    assert sum(weight for _, weight in terms) == pytest.approx(model.text_similarity[0, 0])
    assert weights_descending(terms)
    assert model.explain(0, 1) == []


def weights_descending(terms):
    weights = [w for _, w in terms]
    return weights == sorted(weights, reverse=True)


def test_empty_and_stopword_only_texts_do_not_break():
    m = build_affinity(["", "и в на"], [set(), {"x"}], ["", "тоже"], [set(), {"x"}])
    assert m.shape == (2, 2)
    assert m[1, 1] == pytest.approx(0.3)  # only the topic part


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="topic_weight"):
        AffinityModel(topic_weight=1.5)
    with pytest.raises(ValueError, match="differ in length"):
        build_affinity(["a"], [], ["b"], [set()])
