"""Just enough English grammar for the question coach: units, question frames, verb forms, noun phrases.

The coach answers while someone types, so this is a lexicon-and-pattern grammar rather than a tagger:
it splits a question into units (sentences, then clauses at commas, semicolons and conjunctions), decides
how each unit is framed (wh-question, auxiliary-first question, request such as "Tell me about", or a plain
statement) and offers the few word forms the rewrites need (past tense, noun phrases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

WH_WORDS = frozenset({"what", "how", "why", "who", "whom", "whose", "when", "where", "which"})
# Wh-words that also open subordinate clauses ("When the store opens, ..."); they start a question only
# when an auxiliary follows at once ("When did ...").
SUBORDINATING_WH = frozenset({"when", "where", "why", "whenever", "wherever"})

AUXILIARIES = frozenset({
    "do", "does", "did", "is", "are", "was", "were", "am", "have", "has", "had", "can", "could", "will",
    "would", "shall", "should", "may", "might", "must",
    "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't", "hadn't",
    "can't", "cannot", "couldn't", "won't", "wouldn't", "shouldn't", "mustn't", "shan't",
})
NEGATIVE_AUXILIARIES = frozenset(a for a in AUXILIARIES if a.endswith("n't") or a == "cannot")
FUTURE_MODALS = frozenset({"would", "could", "will", "might", "wouldn't", "won't", "'d", "'ll", "shall"})
PAST_AUXILIARIES = frozenset({"did", "was", "were", "had", "didn't", "wasn't", "weren't", "hadn't"})

SUBJECT_WORDS = frozenset({
    "you", "it", "that", "this", "they", "he", "she", "we", "i", "there", "these", "those", "the", "your",
    "a", "an", "anyone", "anybody", "someone", "somebody", "our", "their", "his", "her", "my", "any",
})
DETERMINERS = frozenset({
    "the", "a", "an", "our", "your", "this", "these", "that", "those", "their", "my", "his", "her", "its",
    "any", "every", "each", "some",
})
PREPOSITIONS = frozenset({
    "at", "in", "on", "for", "with", "from", "to", "by", "about", "into", "onto", "during", "after",
    "before", "over", "under", "through", "across", "without", "between", "per", "since", "until",
})
# Words that may open a unit without changing its frame ("So, what happened?").
DISCOURSE_WORDS = frozenset({
    "so", "and", "or", "please", "just", "ok", "okay", "now", "then", "well", "also", "but", "right",
})

# Requests that open a question as well as a wh-word does.
REQUEST_VERBS = frozenset({
    "tell", "walk", "describe", "show", "explain", "talk", "take", "give", "share", "help", "recall",
    "remind", "list", "run", "go", "paint", "think", "say", "elaborate", "expand", "clarify",
})
# "Could you walk me through ...", "Can you tell me ...": polite requests, not yes/no questions.
POLITE_REQUEST = re.compile(
    r"^(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:mind\s+)?"
    r"(?:tell|walk|show|describe|explain|talk|share|go\s+through|recall|remember|"
    r"elaborate|expand|clarify|say\s+more|paint|list|telling|walking|showing|describing|explaining|"
    r"(?:take|give|help|run)\s+(?:me|us))\b"
)

TOKEN = re.compile(r"[a-z0-9$\u20ac\u00a3]+(?:[-'][a-z0-9]+)*|'[a-z]+")
TOKEN_ANY_CASE = re.compile(TOKEN.pattern, re.IGNORECASE)
SENTENCE = re.compile(r"[^.?!]+[.?!]*")
# Clause boundaries inside a sentence: punctuation, dashes, and coordinating conjunctions.
CLAUSE_BREAK = re.compile(r"\s*(?:[,;:]|\s[-\u2013\u2014]\s)\s*|\s+(?=(?:and|or|but)\s)")


def normalise(text: str) -> str:
    """One line, straight apostrophes, single spaces."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text.lower())


@dataclass(frozen=True)
class Unit:
    """One clause of a question, with how it is framed.

    frame is "wh" (What/How/Why... question), "aux" (Do/Is/Would... question), "request" (Tell me...,
    Could you walk me through...), "tag" (a closing ", isn't it?" or ", right?"), or "statement".
    """

    text: str
    words: tuple[str, ...]
    frame: str
    head: int  # index in words of the word that sets the frame
    sentence: int
    asks: bool  # the sentence it belongs to ends with a question mark

    @property
    def interrogative(self) -> bool:
        return self.frame in {"wh", "aux", "request", "tag"}

    def frame_auxiliary(self) -> str | None:
        """The auxiliary that carries tense and mood: "would" in "What features would you want"."""
        if self.frame == "aux":
            return self.words[self.head]
        if self.frame == "wh":
            for word in self.words[self.head + 1 : self.head + 5]:
                if word in AUXILIARIES or word in {"'d", "'ll", "'s", "'re"}:
                    return word
                # "What happened when you could not ...": the subject question ends before the modal.
                if word in SUBORDINATORS or word in IRREGULAR_PAST.values() or (
                        word.endswith("ed") and base_form(word) != word):
                    return None
        return None


SUBORDINATORS = frozenset({"when", "if", "because", "after", "before", "while", "that", "who", "which", "since"})
TAG_WORDS = frozenset({"right", "correct", "yes", "no", "true", "agreed", "ok", "okay", "yeah", "eh", "surely"})


def _frame(words: list[str], is_last_of_question: bool) -> tuple[str, int]:
    i = 0
    while i < len(words) - 1 and words[i] in DISCOURSE_WORDS:
        i += 1
    if not words:
        return "statement", 0
    # A closing tag: ", isn't it?", ", right?", ", don't you?"
    if is_last_of_question and len(words) <= 3 and _is_tag(words, i):
        return "tag", i
    # "At what price would ...", "For how long did ..."
    if words[i] in PREPOSITIONS and i + 1 < len(words) and words[i + 1] in WH_WORDS:
        i += 1
    first = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else ""
    # "Thoughts?", "Any feedback?": an open prompt for a reaction, asked like a wh-question.
    if len(words) - i <= 2 and words[-1] in {"thoughts", "feedback", "comments", "reactions", "impressions"}:
        return "wh", i
    if first in WH_WORDS or first in {"what's", "how's", "who's", "where's", "when's", "why's", "whats"}:
        return _wh_frame(first, nxt), i
    if first in AUXILIARIES and (frame := _auxiliary_frame(words, i, nxt)):
        return frame, i
    if first in REQUEST_VERBS and _asks_for_an_account(first, nxt):
        return "request", i
    return "statement", i


def _is_tag(words: list[str], i: int) -> bool:
    if words[i] in TAG_WORDS and len(words) - i <= 2:
        return True
    return words[i] in AUXILIARIES and all(w in SUBJECT_WORDS or w == "not" for w in words[i + 1 :])


def _wh_frame(first: str, nxt: str) -> str:
    """A clause opening with a wh-word: a question ("wh"), unless the wh-word embeds a statement."""
    if first in SUBORDINATING_WH and nxt and nxt not in AUXILIARIES and nxt not in {"'s", "exactly"}:
        return "statement"
    if first == "how" and nxt in {"you", "we", "they", "it", "the", "your", "our", "i"}:
        return "statement"  # embedded: "... how you track tickets"
    if first in {"what", "which"} and nxt in {"you", "we", "they", "i"}:
        return "statement"  # embedded: "... what you would change" (still counted by callers)
    return "wh"


def _auxiliary_frame(words: list[str], i: int, nxt: str) -> str:
    """A clause opening with an auxiliary: a polite request, a yes/no question ("aux"), or "" for neither."""
    if POLITE_REQUEST.match(" ".join(words[i:])):
        return "request"
    if nxt in SUBJECT_WORDS or nxt in {"not"} or nxt.endswith("s") or len(words) > i + 1:
        return "aux"
    return ""


def _asks_for_an_account(first: str, nxt: str) -> bool:
    """"Tell me about ...", "Walk us through ...", "Describe ...": a request verb asking for a story."""
    if nxt in {"me", "us", "through", "about", "back", "of", "more", "what", "how", "why", "who", "when"}:
        return True
    return first in {"describe", "explain", "list", "recall", "elaborate", "clarify"}


def split_units(text: str) -> list[Unit]:
    units: list[Unit] = []
    sentences = SENTENCE.findall(text)
    for s_index, sentence in enumerate(sentences):
        asks = sentence.rstrip().endswith("?")
        parts = [p for p in CLAUSE_BREAK.split(sentence.strip().rstrip(".?!")) if p and p.strip()]
        for p_index, part in enumerate(parts):
            words = tokens(part)
            if not words:
                continue
            frame, head = _frame(words, asks and p_index == len(parts) - 1 and p_index > 0)
            units.append(Unit(part.strip(), tuple(words), frame, head, s_index, asks))
    return units


def embedded_wh(unit: Unit) -> bool:
    """A clause such as "what you would change" after "and": a second question inside the first."""
    return unit.frame == "statement" and bool(unit.words) and (
        unit.words[unit.head] in {"what", "which", "how", "why", "who", "where", "when"}
        and unit.head <= 2
        and unit.words[0] in {"and", "or", "but", "then", "what", "how", "why", "who", "which"}
    )


# ---- verbs -------------------------------------------------------------------------------------------

IRREGULAR_PAST = {
    "be": "was", "am": "was", "is": "was", "are": "were", "have": "had", "has": "had", "do": "did",
    "does": "did", "go": "went", "goes": "went", "get": "got", "make": "made", "take": "took", "see": "saw",
    "come": "came", "find": "found", "give": "gave", "tell": "told", "think": "thought", "buy": "bought",
    "pay": "paid", "send": "sent", "spend": "spent", "build": "built", "choose": "chose", "know": "knew",
    "leave": "left", "lose": "lost", "meet": "met", "bring": "brought", "keep": "kept", "feel": "felt",
    "hear": "heard", "run": "ran", "say": "said", "sell": "sold", "write": "wrote", "read": "read",
    "put": "put", "set": "set", "cut": "cut", "let": "let", "shut": "shut", "hit": "hit", "begin": "began",
    "break": "broke", "drive": "drove", "eat": "ate", "fall": "fell", "fly": "flew", "forget": "forgot",
    "hold": "held", "lead": "led", "lend": "lent", "mean": "meant", "ride": "rode", "rise": "rose",
    "shake": "shook", "sit": "sat", "sleep": "slept", "speak": "spoke", "stand": "stood", "steal": "stole",
    "stick": "stuck", "swim": "swam", "teach": "taught", "throw": "threw", "understand": "understood",
    "wake": "woke", "wear": "wore", "win": "won", "split": "split", "deal": "dealt", "catch": "caught",
    "fight": "fought", "seek": "sought", "draw": "drew", "grow": "grew", "hang": "hung", "hide": "hid",
    "ring": "rang", "sing": "sang", "sink": "sank", "spin": "spun", "withdraw": "withdrew",
    "undertake": "undertook", "overcome": "overcame", "rebuild": "rebuilt", "rewrite": "rewrote",
    "upset": "upset", "forecast": "forecast", "broadcast": "broadcast", "cost": "cost", "quit": "quit",
    "bet": "bet", "shed": "shed", "spread": "spread", "light": "lit", "bid": "bid", "oversee": "oversaw",
    "mislay": "mislaid", "lay": "laid", "mistake": "mistook", "override": "overrode", "become": "became",
    "outrun": "outran", "feed": "fed", "flee": "fled", "bend": "bent", "slide": "slid", "strike": "struck",
    "wind": "wound", "dig": "dug", "freeze": "froze", "blow": "blew", "shoot": "shot", "sweep": "swept",
    "weep": "wept", "arise": "arose", "forbid": "forbade", "forgive": "forgave", "redo": "redid",
    "undo": "undid", "re-do": "re-did", "resell": "resold", "retell": "retold", "rerun": "reran",
}
IRREGULAR_PARTICIPLE_TO_PAST = {
    "been": "were", "had": "had", "done": "did", "gone": "went", "got": "got", "gotten": "got",
    "made": "made", "taken": "took", "seen": "saw", "come": "came", "found": "found", "given": "gave",
    "told": "told", "thought": "thought", "bought": "bought", "paid": "paid", "sent": "sent",
    "spent": "spent", "built": "built", "chosen": "chose", "known": "knew", "left": "left", "lost": "lost",
    "met": "met", "brought": "brought", "kept": "kept", "felt": "felt", "heard": "heard", "run": "ran",
    "said": "said", "sold": "sold", "written": "wrote", "read": "read", "put": "put", "set": "set",
    "begun": "began", "broken": "broke", "driven": "drove", "eaten": "ate", "fallen": "fell",
    "flown": "flew", "forgotten": "forgot", "held": "held", "led": "led", "ridden": "rode",
    "spoken": "spoke", "stood": "stood", "stolen": "stole", "taught": "taught", "thrown": "threw",
    "understood": "understood", "worn": "wore", "won": "won", "dealt": "dealt", "caught": "caught",
    "drawn": "drew", "grown": "grew", "hidden": "hid", "become": "became", "shown": "showed",
    "withdrawn": "withdrew", "frozen": "froze", "blown": "blew", "shot": "shot", "forgiven": "forgave",
}
# Final consonant doubles in these before -ed/-ing (British spelling for travel/cancel, as in the UI).
DOUBLING = frozenset({
    "plan", "stop", "ship", "shop", "drop", "chat", "scan", "swap", "submit", "admit", "commit", "refer",
    "transfer", "prefer", "occur", "control", "travel", "cancel", "label", "log", "tag", "flag", "plug",
    "slip", "step", "grab", "jog", "map", "tap", "skip", "trip", "rob", "beg", "nod", "pin", "pat",
    "regret", "permit", "omit", "equip", "model", "signal", "fulfil", "enrol", "rebook", "ban", "chop",
    "clap", "hug", "wrap", "zip", "top", "rub", "scrap", "strip", "trim", "blog", "audit",
})
DOUBLING = DOUBLING - {"rebook", "audit"}

# Common verbs of work and daily life; used to find where a noun phrase ends ("the checkout | takes ...")
# and to recognise the verb after a subject. Base forms only; inflections are derived.
COMMON_VERBS = frozenset(IRREGULAR_PAST) | frozenset({
    "use", "track", "check", "approve", "ask", "call", "handle", "manage", "plan", "order", "book", "ship",
    "deliver", "return", "want", "need", "like", "love", "hate", "prefer", "try", "start", "stop", "work",
    "look", "help", "change", "switch", "move", "open", "close", "cancel", "renew", "sign", "decide",
    "contact", "email", "phone", "visit", "schedule", "reschedule", "reconcile", "export", "import",
    "update", "fix", "solve", "report", "file", "raise", "escalate", "log", "process", "review", "compare",
    "waste", "save", "cause", "affect", "reduce", "increase", "improve", "miss", "wait", "happen", "arrive",
    "fail", "hire", "train", "learn", "install", "upgrade", "replace", "prepare", "print", "scan", "share",
    "store", "invoice", "bill", "charge", "refund", "transfer", "apply", "join", "leave", "onboard",
    "automate", "predict", "sync", "offer", "launch", "add", "create", "develop", "design", "test",
    "allow", "enable", "let", "provide", "support", "serve", "sell", "count", "measure", "record",
    "remember", "forget", "notice", "realise", "realize", "expect", "hope", "worry", "complain", "reply",
    "respond", "answer", "explain", "describe", "discuss", "agree", "disagree", "accept", "reject",
    "refuse", "dispute", "verify", "confirm", "assign", "allocate", "rota", "staff", "handover",
    "hand", "pick", "pack", "load", "unload", "drive", "route", "dispatch", "receive", "collect", "pay",
    "spend", "budget", "price", "cost", "double-check", "cross-check", "sort", "search", "browse", "click",
    "download", "upload", "enter", "type", "copy", "paste", "edit", "delete", "submit", "request",
    "recommend", "rate", "feel", "seem", "appear", "turn", "end", "finish", "complete", "take", "lose",
    "prioritise", "prioritize", "organise", "organize", "coordinate", "communicate", "notify", "remind",
    "follow", "chase", "block", "unblock", "lock", "unlock", "reset", "access", "log-in", "login",
    "shop", "buy", "choose", "select", "find", "spot", "discover", "investigate", "audit",
    "forecast", "estimate", "calculate", "prescribe", "diagnose", "treat", "admit", "discharge", "refer",
    "triage", "examine", "register", "enrol", "enroll", "deposit", "withdraw", "borrow", "lend",
    "invest", "convert", "exchange", "migrate", "integrate", "configure", "set", "deploy",
    "run", "build", "write", "read", "cover", "delay", "postpone", "rush", "ensure", "make",
    "keep", "get", "go", "come", "put", "bring", "send", "show", "give", "tell", "say", "mean",
})
ADVERBS_TO_SKIP = frozenset({
    "usually", "typically", "normally", "generally", "ever", "always", "really", "actually", "still",
    "also", "currently", "often", "sometimes", "just", "even", "already", "personally", "mostly",
    "regularly", "routinely", "then", "first", "last", "not", "never", "all", "both", "now", "today",
})


def past_tense(verb: str) -> str:
    """Simple past of a base form (or of a present or participle form when it is known)."""
    v = verb.lower()
    if "-" in v:  # "double-check" -> "double-checked", "set-up" stays a noun rarely a verb
        head, _, tail = v.rpartition("-")
        return f"{head}-{past_tense(tail)}"
    if v in IRREGULAR_PAST:
        return IRREGULAR_PAST[v]
    if v in IRREGULAR_PARTICIPLE_TO_PAST:
        return IRREGULAR_PARTICIPLE_TO_PAST[v]
    if v.endswith("ed") and not v.endswith("eed") and len(v) > 4:
        return v  # already a past form ("talked")
    if v in DOUBLING:
        return v + v[-1] + "ed"
    if v.endswith("e"):
        return v + "d"
    if len(v) > 2 and v.endswith("y") and v[-2] not in "aeiou":
        return v[:-1] + "ied"
    return v + "ed"


@lru_cache(maxsize=4096)
def base_form(word: str) -> str:
    """The base form of a known verb in any inflection, or the word itself."""
    w = word.lower()
    if w in COMMON_VERBS:
        return w
    for base, past in IRREGULAR_PAST.items():
        if w == past:
            return base
    for participle, past in IRREGULAR_PARTICIPLE_TO_PAST.items():
        if w == participle:
            return base_form(past)
    candidates: list[str] = []
    if w.endswith("ies"):
        candidates.append(w[:-3] + "y")
    if w.endswith("es"):
        candidates.append(w[:-2])
    if w.endswith("s"):
        candidates.append(w[:-1])
    if w.endswith("ied"):
        candidates.append(w[:-3] + "y")
    if w.endswith("ed"):
        candidates += [w[:-2], w[:-1], w[:-3]]
    if w.endswith("ing"):
        candidates += [w[:-3], w[:-3] + "e", w[:-4]]
    for c in candidates:
        if c in COMMON_VERBS:
            return c
    return w


# Verbs that are at least as often nouns in questions ("the delivery report", "the purchase order"):
# they never end a noun phrase.
NOUN_LIKE = frozenset({
    "rota", "staff", "budget", "price", "cost", "handover", "invoice", "order", "book", "report", "file",
    "route", "bill", "test", "record", "process", "request", "schedule", "review", "plan", "change", "work",
    "call", "check", "help", "return", "store", "sort", "search", "type", "access", "login", "log-in",
    "rate", "set", "share", "support", "update", "design", "export", "import", "transfer", "refund",
    "charge", "deposit", "exchange", "forecast", "audit", "triage", "discharge", "referral", "delay",
    "visit", "email", "phone", "load", "hand", "run", "cover", "end", "turn", "offer", "launch", "scan",
    "print", "copy", "edit", "count", "measure", "answer", "reply", "block", "lock", "estimate",
    "love", "hope", "worry", "need", "use", "shop", "fix", "training", "close",
})


def is_verb_form(word: str) -> bool:
    return base_form(word) in COMMON_VERBS


def ends_noun_phrase(word: str) -> bool:
    base = base_form(word)
    if base not in COMMON_VERBS:
        return False
    # A past form ends the phrase even for noun-like verbs: "the bank | offered loans".
    return base not in NOUN_LIKE or (word != base and not word.endswith("s"))


# ---- noun phrases -------------------------------------------------------------------------------------

NP_STOP = frozenset(AUXILIARIES | WH_WORDS | PREPOSITIONS - {"of"}) | {
    "and", "or", "but", "that", "which", "if", "because", "so", "than", "then", "you", "me", "us", "them",
    "today", "now", "yesterday", "again", "instead", "too", "very", "really", "right", "there", "here",
    "it", "next", "last", "every", "each", "whether", "while", "as", "like", "sooner", "later", "earlier",
    "faster", "quicker", "better", "worse", "more", "less", "useful", "helpful", "valuable", "clear", "good",
    "easy", "hard", "important", "necessary", "possible", "enough", "worth", "expensive", "cheap",
    "affordable", "slow", "fast", "safe", "safer", "ready", "available", "responsible", "happy",
    "confusing", "complicated", "difficult", "excessive", "far", "long", "short", "busy", "late", "wrong",
    "easier", "simpler", "harder", "we", "i", "they", "he", "she", "yourself", "itself", "themselves",
}


def noun_phrase_at(words: list[str] | tuple[str, ...], start: int, limit: int = 6) -> list[str]:
    """Words of the noun phrase that starts at words[start] (a determiner or a noun)."""
    phrase: list[str] = []
    i = start
    while i < len(words) and len(phrase) < limit:
        w = words[i]
        if phrase and (w in NP_STOP or w in DETERMINERS):
            break
        # After the first word of the phrase a verb form ends it: "the checkout | takes too long".
        after_first = len(phrase) >= 2 or (phrase and phrase[0] not in DETERMINERS)
        if after_first and ends_noun_phrase(w) and not w.endswith(("tion", "ment", "ing")):
            break
        if not phrase and w in NP_STOP and w not in {"last", "next", "every", "each"}:
            break
        # "this become": a determiner followed by a verb is a pronoun, not the start of a phrase.
        if len(phrase) == 1 and phrase[0] in DETERMINERS and ends_noun_phrase(w) and not w.endswith("ing"):
            return []
        phrase.append(w)
        i += 1
    while phrase and phrase[-1] in {"of", "the", "a", "an"}:
        phrase.pop()
    return phrase
