"""Expert × application affinity: TF-IDF over Russian Snowball stems, plus topic overlap.

Pure module (scikit-learn, PyStemmer, scipy; no Django, no model downloads)::

    model = AffinityModel(topic_weight=0.3).fit(expert_texts, expert_topics, app_texts, app_topics)
    model.matrix            # scipy.sparse CSR, experts × applications, values in [0, 1]
    model.explain(i, j)     # [("инновационный", 0.21), ...]: the shared terms behind the text part

affinity = (1 − topic_weight) · cosine(tf-idf) + topic_weight · Jaccard(topics)

Texts are lower-cased, «ё» becomes «е», words are split on anything that is not a letter or digit
(hyphenated words stay whole), stop-words and one-letter tokens are dropped, and the rest is stemmed with
the Snowball Russian stemmer, so «инновационный» and «инновационные» are the same term. Both sides are
vectorised with one vocabulary (fitted on all texts), sublinear tf and l2 norms, so the cosine is a
sparse matrix product. Topic sets become a sparse binary matrix; their intersections are one product
too. No Python loop runs over pairs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
import Stemmer
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["RUSSIAN_STOP_WORDS", "AffinityModel", "analyze", "build_affinity", "normalize"]

RUSSIAN_STOP_WORDS: frozenset[str] = frozenset(
    """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было
    вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас
    нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем
    была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем
    ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец
    два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя
    впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между
    это также которые который которая которых которое которой котором которым которую
    свой своя свое свои своих своим своей своего наш наша наше наши нашей нашего нашим наших ваш
    этих этим эта это эти такие такая такое таких также либо или её её всё ещё ко ото изо обо
    является являются являясь были будут будем чей чья чьи весь вся всё всем всеми каждый каждая каждое
    """.replace("ё", "е").split()
)

_TOKEN = re.compile(r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*")
_stemmer = Stemmer.Stemmer("russian")


def normalize(text: str) -> str:
    """Lower-case and replace «ё» with «е»."""
    return text.lower().replace("ё", "е")


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(normalize(text)) if len(t) > 1 and t not in RUSSIAN_STOP_WORDS]


def analyze(text: str) -> list[str]:
    """The stems TF-IDF sees for ``text`` (stop-words and one-letter tokens dropped)."""
    return list(_stemmer.stemWords(_tokens(text)))


def _topic_matrix(topic_sets: Sequence[Iterable[str]], index: dict[str, int]) -> sp.csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    for r, topics in enumerate(topic_sets):
        for t in {normalize(str(x)).strip() for x in topics} - {""}:
            rows.append(r)
            cols.append(index.setdefault(t, len(index)))
    data = np.ones(len(rows), dtype=np.float64)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(topic_sets), max(len(index), 1)))


class AffinityModel:
    """Fit once on all texts; then ``matrix`` holds the affinity and ``explain`` the reasons."""

    def __init__(self, topic_weight: float = 0.3, *, sublinear_tf: bool = True):
        if not 0.0 <= topic_weight <= 1.0:
            raise ValueError("topic_weight must be between 0 and 1")
        self.topic_weight = topic_weight
        self.sublinear_tf = sublinear_tf
        self.matrix: sp.csr_matrix | None = None
        self.text_similarity: sp.csr_matrix | None = None
        self.topic_similarity: sp.csr_matrix | None = None
        self._x_experts: sp.csr_matrix | None = None
        self._x_apps: sp.csr_matrix | None = None
        self._terms: np.ndarray | None = None
        self._surface: dict[str, str] = {}
        self._expert_topics: list[set[str]] = []
        self._app_topics: list[set[str]] = []

    def fit(
        self,
        expert_texts: Sequence[str],
        expert_topics: Sequence[Iterable[str]],
        application_texts: Sequence[str],
        application_topics: Sequence[Iterable[str]],
    ) -> AffinityModel:
        if len(expert_texts) != len(expert_topics):
            raise ValueError("expert_texts and expert_topics differ in length")
        if len(application_texts) != len(application_topics):
            raise ValueError("application_texts and application_topics differ in length")
        n_e, n_a = len(expert_texts), len(application_texts)

        # Tokenise once; remember how each stem was written so that explain() shows words, not stems.
        token_lists = [_tokens(t) for t in [*expert_texts, *application_texts]]
        counts: Counter[str] = Counter()
        for tokens in token_lists:
            counts.update(tokens)
        unique = sorted(counts)
        stem_of = dict(zip(unique, _stemmer.stemWords(unique), strict=True))
        best: dict[str, tuple[int, str]] = {}
        for word, n in counts.items():
            stem = stem_of[word]
            if stem not in best or (n, word) > best[stem]:
                best[stem] = (n, word)
        self._surface = {stem: word for stem, (_, word) in best.items()}

        docs = [[stem_of[t] for t in tokens] for tokens in token_lists]
        vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=self.sublinear_tf, norm="l2")
        if any(docs):
            x = sp.csr_matrix(vectorizer.fit_transform(docs))
            self._terms = vectorizer.get_feature_names_out()
        else:  # nothing but stop-words anywhere
            x = sp.csr_matrix((n_e + n_a, 1))
            self._terms = np.array([""], dtype=object)
        self._x_experts = sp.csr_matrix(x[:n_e])
        self._x_apps = sp.csr_matrix(x[n_e:])
        text = sp.csr_matrix(self._x_experts @ self._x_apps.T)

        index: dict[str, int] = {}
        t_e = _topic_matrix(expert_topics, index)
        t_a = _topic_matrix(application_topics, index)
        width = max(len(index), 1)
        t_e.resize((n_e, width))
        t_a.resize((n_a, width))
        self._expert_topics = [{normalize(str(x)).strip() for x in ts} - {""} for ts in expert_topics]
        self._app_topics = [{normalize(str(x)).strip() for x in ts} - {""} for ts in application_topics]
        inter = sp.coo_matrix(t_e @ t_a.T)
        size_e = np.asarray(t_e.sum(axis=1)).ravel()
        size_a = np.asarray(t_a.sum(axis=1)).ravel()
        union = size_e[inter.row] + size_a[inter.col] - inter.data
        jaccard = sp.csr_matrix((inter.data / union, (inter.row, inter.col)), shape=(n_e, n_a))

        self.text_similarity = text
        self.topic_similarity = jaccard
        w = self.topic_weight
        combined = sp.csr_matrix((1.0 - w) * text + w * jaccard)
        combined.eliminate_zeros()
        self.matrix = combined
        return self

    def explain(self, expert_idx: int, application_idx: int, top: int = 10) -> list[tuple[str, float]]:
        """The shared terms of the expert's and the application's texts, by their share of the cosine.

        Weights are the products of the two tf-idf weights; over all shared terms they add up to the
        text similarity. Terms are shown in the form most often written in the texts.
        """
        if self._x_experts is None or self._x_apps is None or self._terms is None:
            raise RuntimeError("call fit() first")
        contribution = self._x_experts[expert_idx].multiply(self._x_apps[application_idx])
        contribution = sp.csr_matrix(contribution)
        order = np.argsort(-contribution.data, kind="stable")[:top]
        return [
            (
                self._surface.get(
                    str(self._terms[contribution.indices[i]]), str(self._terms[contribution.indices[i]])
                ),
                float(contribution.data[i]),
            )
            for i in order
        ]

    def shared_topics(self, expert_idx: int, application_idx: int) -> list[str]:
        """The declared topics the expert and the application have in common (normalised, sorted)."""
        return sorted(self._expert_topics[expert_idx] & self._app_topics[application_idx])


def _identity(doc: list[str]) -> list[str]:
    return doc


def build_affinity(
    expert_texts: Sequence[str],
    expert_topics: Sequence[Iterable[str]],
    application_texts: Sequence[str],
    application_topics: Sequence[Iterable[str]],
    topic_weight: float = 0.3,
) -> sp.csr_matrix:
    """Affinity matrix (experts × applications, CSR). Use :class:`AffinityModel` to also get explanations."""
    model = AffinityModel(topic_weight).fit(
        expert_texts, expert_topics, application_texts, application_topics
    )
    assert model.matrix is not None
    return model.matrix
