"""Which column holds which field: the fields, guesses from column names, and the checks of a chosen mapping."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from outsidein.core.datafiles import FileRejected

# Fields a column can be mapped to. "driver" keeps the column's own name as the driver's name.
FIELDS: dict[str, str] = {
    "text": "Text (comment, ticket body, review)",
    "nps": "NPS: likelihood to recommend, 0–10",
    "csat": "CSAT: satisfaction, 1–5",
    "ces": "CES: customer effort, 1–7",
    "driver": "Driver rating (named after the column)",
    "received_at": "Received at (date or date and time)",
    "external_id": "External id (makes re-runs idempotent)",
    "account": "Account (external id or name)",
    "person_email": "Person e-mail",
    "person_external_id": "Person external id",
    "source": "Source kind (survey, support ticket, review, sales note, customer page)",
}
CONTENT_FIELDS = ("text", "nps", "csat", "ces", "driver")
SINGLE_FIELDS = tuple(f for f in FIELDS if f != "driver")
DRIVER_PREFIXES = ("driver_", "driver:", "drivers.", "driver_ratings.", "rating_")

# Column names a file from a survey or helpdesk tool commonly uses for each field.
_GUESSES: dict[str, tuple[str, ...]] = {
    "text": ("text", "comment", "comments", "feedback", "verbatim", "body", "message", "review", "note", "notes",
             "description", "open_text", "answer"),
    "nps": ("nps", "nps_score", "likelihood_to_recommend", "recommend", "ltr", "score"),
    "csat": ("csat", "csat_score", "satisfaction", "overall_satisfaction"),
    "ces": ("ces", "ces_score", "effort", "customer_effort"),
    "received_at": ("received_at", "date", "created_at", "created", "submitted_at", "timestamp", "responded_at",
                    "response_date", "time"),
    "external_id": ("external_id", "id", "response_id", "ticket_id", "review_id"),
    "account": ("account", "account_external_id", "account_id", "company", "customer", "account_name"),
    "person_email": ("email", "e-mail", "person_email", "respondent_email", "contact_email"),
    "person_external_id": ("person_external_id", "contact_id", "person_id", "respondent_id"),
    "source": ("source", "kind", "channel", "type"),
}


_WORD_GUESSES: dict[str, tuple[str, ...]] = {
    "nps": ("recommend", "nps"),
    "csat": ("satisf", "csat"),
    "ces": ("effort",),
    "received_at": ("date", "submitted", "timestamp", "created", "received"),
    "text": ("comment", "feedback", "verbatim", "open_text", "why", "tell_us"),
    "person_email": ("email", "e_mail"),
}


def _normal(column: str) -> str:
    return column.strip().lower().replace(" ", "_").replace("-", "_")


# --- mapping -------------------------------------------------------------------------------------------
def driver_name(column: str) -> str:
    name = column.strip()
    lowered = name.lower()
    for prefix in DRIVER_PREFIXES:
        if lowered.startswith(prefix):
            name = name[len(prefix):]
            break
    return name.replace("_", " ").strip()


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """A first mapping from the column names alone; the person importing confirms or changes it."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    normal = {c: _normal(c) for c in columns if c}
    for column, name in normal.items():
        if name.startswith(DRIVER_PREFIXES):
            mapping[column] = "driver"
    for fieldname, names in _GUESSES.items():
        for candidate in names:
            found = next((c for c, n in normal.items() if n == candidate and c not in mapping), None)
            if found is not None and fieldname not in taken:
                mapping[found] = fieldname
                taken.add(fieldname)
                break
    # Survey tools name columns after their question ("How likely are you to recommend us?", "Date submitted"):
    # a word inside the name, for the fields no exact name claimed.
    for fieldname, words in _WORD_GUESSES.items():
        found = next((c for c, n in normal.items() if c not in mapping and any(w in n for w in words)), None)
        if found is not None and fieldname not in taken:
            mapping[found] = fieldname
            taken.add(fieldname)
    return mapping


def complete_mapping(explicit: Mapping[str, str], columns: Iterable[str]) -> dict[str, str]:
    """Explicit choices, plus guesses for the columns and fields they leave open."""
    chosen = {f for f in explicit.values() if f and f != "driver"}
    guessed = {c: f for c, f in guess_mapping(columns).items()
               if c not in explicit and (f == "driver" or f not in chosen)}
    return {**guessed, **explicit}


def parse_mapping_option(text: str) -> dict[str, str]:
    """`col=field,col2=field2` from the command line."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        column, sep, fieldname = part.rpartition("=")
        if not sep or not column.strip():
            raise FileRejected(f"“{part}” is not column=field (fields: {', '.join(FIELDS)}).")
        mapping[column.strip()] = fieldname.strip()
    return mapping


def check_mapping(mapping: Mapping[str, str], columns: Iterable[str]) -> dict[str, str]:
    """The mapping without ignored columns; refuses unknown fields, missing columns and nothing to import."""
    present = list(columns)
    clean = {c: f for c, f in mapping.items() if f}
    unknown = sorted({f for f in clean.values() if f not in FIELDS})
    if unknown:
        raise FileRejected(f"Unknown field(s): {', '.join(unknown)}. Fields: {', '.join(FIELDS)}.")
    missing = [c for c in clean if c not in present]
    if missing:
        names = ", ".join(f"“{c}” (mapped to {clean[c]})" for c in missing)
        raise FileRejected(f"Missing required column(s): {names}. The file has: {', '.join(present)}.")
    for fieldname in SINGLE_FIELDS:
        chosen = [c for c, f in clean.items() if f == fieldname]
        if len(chosen) > 1:
            raise FileRejected(f"{fieldname} is mapped from several columns ({', '.join(chosen)}); pick one.")
    if not any(f in CONTENT_FIELDS for f in clean.values()):
        raise FileRejected(
            "Missing required column: the file needs a text column (text, comment, feedback…) or a score column "
            f"(nps, csat, ces, or a driver rating). The file has: {', '.join(present)}."
        )
    return clean


class ColumnLayout:
    """Where each field sits in a file's records: what both readers take from the columns and the mapping."""

    def __init__(self, columns: list[str], mapping: Mapping[str, str]) -> None:
        self.columns = columns
        position = {c: i for i, c in enumerate(columns)}
        self.mapping = {c: f for c, f in mapping.items() if f and c in position}
        self.at = {f: position[c] for c, f in self.mapping.items() if f != "driver"}
        # (position, driver name) in mapping order; two columns naming one driver: the later one's value counts,
        # checked where the name first came.
        drivers = {driver_name(c): position[c] for c, f in self.mapping.items() if f == "driver"}
        self.drivers = [(at, name) for name, at in drivers.items()]
        self.mapped = sorted(position[c] for c in self.mapping)
        # In the file's order: a saved mapping comes back from the database with its keys in another order.
        self.content_columns = ", ".join(dict.fromkeys(c for c in columns if self.mapping.get(c) in CONTENT_FIELDS))


