"""A theme's name: the phrase its customers use, not a list of terms.

Candidates are the word sequences of one to four words that the theme's texts share (not starting or ending on a
stop word, so "top up" and "card not arrived" survive while "of the" does not, though a negation may start one:
"nobody replied" is not "replied"; not running over punctuation, nor on where a new part of the sentence starts,
a subject or "when", "than", "the" straight after a content word). A fragment of a longer
phrase, one whose sayers nearly all put the same word beside it, names a theme only if nothing else can. Each
candidate is scored by how many of the theme's texts say it and how much more often they do than the rest of the
collection (c-TF-IDF's idea, on phrases), longer phrases winning ties with the words they contain. Where sentence
embeddings are in use, the best few are re-ranked by how close their meaning is to the theme's centre, as KeyBERT
does. The phrase is shown in sentence case.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
import snowballstemmer
from numpy.typing import NDArray

from outsidein.insights.analysis.themes.labels import Theme
from outsidein.insights.analysis.themes.vectors import stop_words

MAX_WORDS = 4
SAMPLE_PER_THEME = 400
COLLECTION_SAMPLE = 20_000
# A phrase must be said by this share of the theme's texts (and by two of them at least) to name it.
MIN_SHARE = 0.08
RERANKED = 8
# Each extra word adds this much to a phrase's score: "card payment declined" says more than "declined".
LONGER = 0.8
# A phrase this share of whose sayers put the same word beside it is a fragment of a longer one.
FRAGMENT_SHARE = 0.6
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Where a sentence or a clause ends: "Proof of delivery upload. Drivers hate the app" holds no phrase
# "upload drivers hate", "Wrong ETAs again, off by hours" no "again off".
_PUNCTUATION = re.compile(r"[.,;:!?()\[\]\"\u201c\u201d\u2013\u2014]|\s-\s")

PhraseEncoder = Callable[[list[str]], NDArray[np.floating]]


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _clauses(text: str) -> Iterator[list[str]]:
    """The words of each stretch of ``text`` between punctuation marks."""
    for part in _PUNCTUATION.split(text):
        words = words_of(part)
        if words:
            yield words


# Particles end a phrase ("top up", "call back") but do not start one ("up has been cancelled").
_PARTICLES = frozenset({"up", "down", "off", "back"})
# Words that finish a phrase the way a particle does ("spot on", "sold out"), though most are also prepositions.
_ENDING_PARTICLES = _PARTICLES | {"on", "out"}
# Stop words, but they turn a phrase's meaning round, so a phrase may start with one ("no call back", "never
# on time", "nobody replied"); it still may not end with one.
_NEGATIONS = frozenset({"no", "not", "never", "nobody", "nothing", "none", "neither", "nor", "nowhere", "cannot"})
# After "on" or "out", these start a prepositional phrase ("charges on our invoices"), so the particle ends nothing.
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "my", "your", "our", "their", "his",
                          "her", "its", "every", "each", "some", "any", "all", "no"})
# A subject inside a phrase starts a new clause: "lanes we will compare", "edi errors i'll sign" are not names.
_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she"})
# Straight after a content word, these start another part of the sentence ("helpdesk when a load", "lanes the
# price", "edi mapping would save"); after a preposition they belong ("proof of the delivery").
_BREAKS = frozenset({"the", "a", "an", "this", "that", "these", "those", "my", "your", "their", "his", "her", "its",
                     "when", "if", "because", "than", "which", "so", "but", "or", "as", "while", "where", "who",
                     "what", "how", "since", "until", "though", "although",
                     "would", "could", "should", "will", "can", "might", "must"})


def _can_edge(word: str, stops: frozenset[str]) -> bool:
    # "hasn't", "i'm": contractions are function words too, and never the start or end of a name.
    return len(word) >= 2 and word not in stops and "'" not in word and not word.isdigit()


def _ends_as_particle(words: list[str], at: int, stops: frozenset[str]) -> bool:
    """The particle at ``at`` finishes the verb or phrase before it ("logged out during", "spot on.") rather than
    starting a prepositional phrase ("charges on our invoices", "waited on hold")."""
    following = words[at + 1] if at + 1 < len(words) else ""
    return (words[at] in _ENDING_PARTICLES and words[at - 1] not in stops
            and (not following or (following in stops and following not in _DETERMINERS)))


def _spans(words: list[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of every candidate phrase in a text's words, end exclusive."""
    stops = stop_words()
    for start, first in enumerate(words):
        if not (_can_edge(first, stops) or first in _NEGATIONS) or first in _PARTICLES:
            continue
        for last in range(start, min(start + MAX_WORDS, len(words))):
            word = words[last]
            if last > start and (word.split("'")[0] in _SUBJECTS
                                 or (word in _BREAKS and words[last - 1] not in stops)):
                break
            if _can_edge(word, stops) or (last > start and _ends_as_particle(words, last, stops)):
                yield start, last + 1


def phrases_of(text: str) -> set[str]:
    """The distinct candidate phrases of one text."""
    return {" ".join(words[start:end]) for words in _clauses(text) for start, end in _spans(words)}


class _Neighbours:
    """For each phrase, the words said just before and just after it, to tell a fragment from a whole name."""

    def __init__(self) -> None:
        self.before: dict[str, Counter[str]] = {}
        self.after: dict[str, Counter[str]] = {}

    def add(self, phrase: str, before: str, after: str) -> None:
        self.before.setdefault(phrase, Counter())[before] += 1
        self.after.setdefault(phrase, Counter())[after] += 1

    def is_fragment(self, phrase: str, said: int) -> bool:
        """Cut out of a longer phrase: most who say it say the same content word next to it ("logouts in the
        driver" is nearly always followed by "app", "price than the competition" preceded by "higher"), or
        end it with the same particle ("live tracking is spot" of "spot on"), or follow the same negation
        ("replied to my ticket" of "nobody has replied to my ticket": the name would say the opposite)."""
        stops = stop_words()
        for side, counts in (("before", self.before.get(phrase)), ("after", self.after.get(phrase))):
            for word, n in (counts or Counter()).most_common():
                if n < FRAGMENT_SHARE * said:
                    break
                if word and (word not in stops or (side == "after" and word in _ENDING_PARTICLES)
                             or (side == "before" and word in _NEGATIONS)):
                    return True
        return False


class PhraseCounts:
    """How many texts of the collection say each phrase (on an even sample), for the 'rarer elsewhere' part."""

    def __init__(self, texts: Sequence[str], candidates: Iterable[str]) -> None:
        wanted = set(candidates)
        step = max(1, len(texts) // COLLECTION_SAMPLE)
        sample = texts[::step]
        self.total = max(1, len(sample))
        self.counts: Counter[str] = Counter()
        for text in sample:
            self.counts.update(phrases_of(text) & wanted)

    def share(self, phrase: str) -> float:
        return (self.counts[phrase] + 1) / (self.total + 1)


def _word_before(words: list[str], start: int) -> str:
    """The word said just before a phrase; a negation one function word further back counts as that word
    ("nobody has | replied", "did not | arrive")."""
    if start >= 2 and words[start - 2] in _NEGATIONS and words[start - 1] in stop_words():
        return words[start - 2]
    return words[start - 1] if start else ""


def candidates(member_texts: Sequence[str]) -> list[tuple[str, float]]:
    """(phrase, share of the theme's texts that say it) for phrases said often enough, commonest first; a
    fragment of a longer phrase only where the theme has nothing else to be named by."""
    step = max(1, len(member_texts) // SAMPLE_PER_THEME)
    sample = member_texts[::step]
    counts: Counter[str] = Counter()
    neighbours = _Neighbours()
    for text in sample:
        seen = set()
        for words in _clauses(text):
            for start, end in _spans(words):
                phrase = " ".join(words[start:end])
                if phrase not in seen:
                    seen.add(phrase)
                    neighbours.add(phrase, _word_before(words, start), words[end] if end < len(words) else "")
        counts.update(seen)
    floor = max(2, math.ceil(MIN_SHARE * len(sample)))
    found = [(p, c / len(sample)) for p, c in counts.most_common() if c >= floor]
    whole = [(p, share) for p, share in found if not neighbours.is_fragment(p, counts[p])]
    return whole or found


def best_phrases(found: list[tuple[str, float]], collection: PhraseCounts, *, centre: NDArray[np.floating] | None,
                 encode: PhraseEncoder | None, limit: int = 3) -> list[str]:
    """The theme's phrases, best first."""
    scored = []
    for phrase, share in found:
        lift = math.log(share / collection.share(phrase))
        if lift <= 0:
            continue
        # A longer phrase said nearly as often as its words is the more precise name ("card not arrived").
        scored.append((share * lift * (1 + LONGER * (len(phrase.split()) - 1)), phrase))
    scored.sort(reverse=True)
    ranked = _without_parts([p for _, p in scored])
    if encode is not None and centre is not None and len(ranked) > 1:
        top = ranked[:RERANKED]
        closeness = np.asarray(encode(top)) @ np.asarray(centre)
        score_of = {phrase: score for score, phrase in scored}
        best = score_of[top[0]]
        # Meaning and frequency: the phrase closest in meaning among those said about as often as the best. By
        # score, not by rank: a phrase a tenth of the theme says ("delivery upload just works") must not name
        # a theme nine tenths of which say another ("proof of delivery upload").
        order = sorted(range(len(top)), key=lambda i: -(closeness[i] + 0.5 * score_of[top[i]] / best))
        ranked = [top[i] for i in order] + ranked[RERANKED:]
    return ranked[:limit]


def _without_parts(phrases: list[str]) -> list[str]:
    """Drops a phrase that is part of a better one already kept ("card" after "card not arrived"), or the same
    words in another form ("transfers" after "transfer", "topped up" after "top up")."""
    kept: list[str] = []
    forms: set[str] = set()
    for phrase in phrases:
        padded = f" {phrase} "
        form = _stemmed(phrase)
        if form in forms or any(padded in f" {k} " for k in kept):
            continue
        kept.append(phrase)
        forms.add(form)
    return kept


@functools.cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


def _stemmed(phrase: str) -> str:
    return " ".join(_stemmer().stemWord(w) for w in phrase.split() if w not in stop_words())


def sentence_case(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:] if phrase else phrase


def unique_labels(labels: list[str], alternatives: list[list[str]]) -> list[str]:
    """Every label different: a repeated one gives way to its theme's next phrase, or takes a number."""
    result: list[str] = []
    taken: set[str] = set()
    for label, others in zip(labels, alternatives, strict=True):
        chosen = next((o for o in [label, *others] if o.lower() not in taken), "")
        number = 2
        while not chosen or chosen.lower() in taken:
            chosen, number = f"{label} ({number})", number + 1
        taken.add(chosen.lower())
        result.append(chosen)
    return result


def name_themes(themes: Sequence[Theme], member_texts: Sequence[Sequence[str]], collection: Sequence[str], *,
                centres: NDArray[np.floating] | None = None, encode: PhraseEncoder | None = None,
                taken: Iterable[str] = ()) -> None:
    """Gives each theme its phrase as label (kept as it is when its texts share no phrase), all labels different
    from each other and from ``taken``."""
    found = [candidates(texts) for texts in member_texts]
    counts = PhraseCounts(collection, {p for theme_found in found for p, _ in theme_found})
    labels, alternatives = [], []
    for i, theme in enumerate(themes):
        centre = centres[i] if centres is not None else None
        phrases = [sentence_case(p) for p in best_phrases(found[i], counts, centre=centre, encode=encode)]
        labels.append(phrases[0] if phrases else theme.label)
        alternatives.append(phrases[1:])
    already = list(taken)
    named = unique_labels(already + labels, [[] for _ in already] + alternatives)[len(already):]
    for theme, label in zip(themes, named, strict=True):
        theme.label = label
