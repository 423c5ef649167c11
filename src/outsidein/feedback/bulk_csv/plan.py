"""The SQL that stages, checks and inserts one file's records, built once from its layout and its batch."""

from __future__ import annotations

from string import Formatter
from typing import TYPE_CHECKING

from outsidein.core import datafiles
from outsidein.customers.models import Account, Person
from outsidein.feedback import rules
from outsidein.feedback.models import ImportBatch

if TYPE_CHECKING:
    from outsidein.feedback.bulk_csv.cutting import Part
    from outsidein.feedback.imports.mapping import ColumnLayout


WHITESPACE_SQL = "U&'" + "".join(f"\\{ord(ch):04X}" for ch in rules.WHITESPACE) + "'"
SOURCE_KINDS = sorted(set(rules.SOURCE_WORDS.values()))


def literal(value: str) -> str:
    """A SQL string literal (the values are column and driver names from the file and fixed words)."""
    return "'" + value.replace("'", "''") + "'"


# --- the SQL ---------------------------------------------------------------------------------------------

def sql_reason(reason: str, /, **parts: str) -> str:
    """A reason of ``rules.REASONS`` as a SQL expression: the fixed words as literals, ``parts`` as SQL."""
    pieces = []
    for text, fieldname, _, _ in Formatter().parse(rules.REASONS[reason]):
        if text:
            pieces.append(literal(text))
        if fieldname:
            pieces.append(parts[fieldname])
    return " || ".join(pieces)


# Digit masks of the commonest ISO 8601 dates: all of them match rules.DATE_ISO.
ISO_MASKS = ("9999-99-99", "9999-99-99 99:99", "9999-99-99T99:99", "9999-99-99 99:99:99", "9999-99-99T99:99:99",
             "9999-99-99T99:99:99Z")


def mask(expression: str) -> str:
    """The text with every digit turned into a 9: a cheap test of a cell's form."""
    return f"translate({expression}, '0123456789', '9999999999')"


def quoted(name: str, expression: str) -> str:
    return f"left({expression}, {rules.QUOTED_CHARS.get(name, rules.QUOTE_CHARS)})"


class Plan:
    """The statements for one file, from its layout (``imports.ColumnLayout``) and its batch, turned into SQL once.

    ``tz_name`` is the zone of times written without an offset, as the row-by-row reader has it.
    """

    def __init__(self, batch: ImportBatch, layout: ColumnLayout, *, tz_name: str) -> None:
        self.batch, self.columns, self.width = batch, layout.columns, len(layout.columns)
        self.at, self.mapped, self.drivers = layout.at, layout.mapped, layout.drivers
        self.tz_name, self.content_columns = tz_name, layout.content_columns

    @staticmethod
    def cell(at: int) -> str:
        return f"c{at + 1}"

    def trim(self, at: int) -> str:
        return f"btrim(coalesce({self.cell(at)}, ''), {WHITESPACE_SQL})"

    def trimmed(self, fieldname: str) -> str:
        at = self.at.get(fieldname)
        return "''::text" if at is None else self.trim(at)

    def create_stage(self, part: Part) -> str:
        cells = ", ".join(f"{self.cell(i)} text" for i in range(self.width))
        return f"CREATE TEMPORARY TABLE {part.stage} (rec bigint GENERATED ALWAYS AS IDENTITY, {cells})"

    def copy(self, part: Part) -> str:
        cells = ", ".join(self.cell(i) for i in range(self.width))
        return f"COPY {part.stage} ({cells}) FROM STDIN (FORMAT csv)"

    def _too_long(self) -> str:
        limit = rules.MAX_CELL_CHARS
        # A cell over the import limits' cell size: the row-by-row reader cannot even read its row, and says so.
        cap = datafiles.ImportLimits.current()
        unreadable = " ".join(
            f"WHEN octet_length({self.cell(i)}) > {cap.cell_chars} AND length({self.cell(i)}) > {cap.cell_chars} "
            f"THEN {literal(datafiles.too_long_cell(cap))}" for i in range(self.width))
        arms = unreadable + " " + " ".join(
            # octet_length reads the stored size: the character count is only taken of cells that may be too long.
            f"WHEN octet_length({self.cell(i)}) > {limit} AND length({self.cell(i)}) > {limit} THEN "
            + sql_reason("too_long", column=literal(column or "A cell"),
                         length=f"to_char(length({self.cell(i)}), 'FM999,999,999,999')", limit=literal(f"{limit:,}"))
            for i, column in enumerate(self.columns))
        return f"CASE {arms} END"

    @staticmethod
    def _score_error(fieldname: str) -> str:
        low, high = rules.SCORE_RANGES[fieldname]
        f, n = f"f_{fieldname}", f"n_{fieldname}"
        name, lo, hi = literal(fieldname), literal(str(low)), literal(str(high))
        return (f"CASE WHEN {f} = '' THEN NULL "
                f"WHEN {n} IS NOT NULL THEN CASE WHEN {n} BETWEEN {low} AND {high} THEN NULL ELSE "
                + sql_reason("out_of_range", field=name, number=f"{n}::text", low=lo, high=hi) + " END "
                f"WHEN {f} ~ {literal(rules.NUMBER)} THEN "
                + sql_reason("not_whole", field=name, value=quoted("not_whole", f), low=lo, high=hi)
                + " ELSE " + sql_reason("not_a_number", field=name, value=quoted("not_a_number", f)) + " END")

    @staticmethod
    def _date_kind() -> str:
        # The common ISO forms are recognised by their digit mask, without a regular expression.
        common = ", ".join(literal(m) for m in ISO_MASKS)
        return (f"CASE WHEN f_received = '' THEN 0 WHEN {mask('f_received')} IN ({common}) THEN 1 " + " ".join(
            f"WHEN f_received ~ {literal(rules.shape(p))} THEN {k}"
            for k, p in enumerate((rules.DATE_ISO, rules.DATE_SLASH, rules.DATE_DOTTED), start=1)) + " END")

    @staticmethod
    def _date_parts(trusting: bool) -> str:
        """Year … second, microseconds and zone of a date whose form ``date_kind`` has recognised.

        Taken apart by position and separator rather than by capturing groups, which PostgreSQL's regular
        expressions make a hundred times slower.
        """
        f = "f_received"
        rest = f"CASE WHEN substr({f}, 17, 1) = ':' THEN substr({f}, 20) ELSE substr({f}, 17) END"
        zone = f"ltrim({rest}, '.,0123456789')"
        day_part, time_part = f"split_part({f}, ' ', 1)", f"split_part({f}, ' ', 2)"

        def num(expression: str) -> str:
            return f"coalesce(nullif({expression}, ''), '0')::int"

        def by_kind(iso: str, slash: str, dotted: str) -> str:
            return (f"CASE date_kind WHEN 1 THEN {'0' if trusting else iso} WHEN 2 THEN {slash} WHEN 3 THEN {dotted} "
                    "ELSE 0 END")

        hour = num(f"split_part({time_part}, ':', 1)")
        minute = num(f"split_part({time_part}, ':', 2)")
        return ", ".join([
            by_kind(f"substr({f}, 1, 4)::int", num(f"split_part({day_part}, '/', 1)"),
                    num(f"split_part({day_part}, '.', 3)")) + " AS y",
            by_kind(f"substr({f}, 6, 2)::int", num(f"split_part({day_part}, '/', 2)"),
                    num(f"split_part({day_part}, '.', 2)")) + " AS mo",
            by_kind(f"substr({f}, 9, 2)::int", num(f"split_part({day_part}, '/', 3)"),
                    num(f"split_part({day_part}, '.', 1)")) + " AS d",
            by_kind(num(f"substr({f}, 12, 2)"), hour, hour) + " AS hh",
            by_kind(num(f"substr({f}, 15, 2)"), minute, minute) + " AS mi",
            by_kind(f"CASE WHEN substr({f}, 17, 1) = ':' THEN substr({f}, 18, 2)::int ELSE 0 END",
                    num(f"split_part({time_part}, ':', 3)"), "0") + " AS ss",
            f"CASE WHEN {'false' if trusting else 'date_kind = 1'} AND left({rest}, 1) IN ('.', ',') THEN "
            f"rpad(substr({rest}, 2, length({rest}) - length({zone}) - 1), 6, '0')::int ELSE 0 END AS us",
            f"CASE WHEN {'false' if trusting else 'date_kind = 1'} THEN nullif({zone}, '') END AS zone",
        ])

    def check(self, part: Part, lookups: tuple[str, str, str], *, trusting: bool) -> str:
        """CREATE … AS SELECT: each staged record's reason, or whether it is blank, or its values.

        ``trusting``: ISO 8601 dates are read by PostgreSQL's own date input (in the session's time zone,
        set to the import's), which is several times faster than taking them apart, but stops the whole
        statement at an impossible date (a 30th of February); the caller then runs the statement again
        without trust, which names each such row.
        """
        account_refs, person_refs, person_emails = lookups
        k_range = range(len(self.drivers))
        number, whole, whole_part = (literal(p) for p in (rules.NUMBER, rules.WHOLE_NUMBER, rules.WHOLE_PART))
        source_case = "CASE source_words " + " ".join(
            f"WHEN {literal(word)} THEN {literal(kind)}" for word, kind in rules.SOURCE_WORDS.items()) + " END"
        cells = [f"{self.trimmed(f)} AS f_{name}" for f, name in (
            ("text", "text"), ("nps", "nps"), ("csat", "csat"), ("ces", "ces"), ("received_at", "received"),
            ("external_id", "external"), ("account", "account"), ("person_email", "email"),
            ("person_external_id", "person"), ("source", "source"))]
        cells += [f"{self.trim(at)} AS d{k}" for k, (at, _) in enumerate(self.drivers)]
        blank = " AND ".join(f"{self.trim(i)} = ''" for i in self.mapped) or "true"
        # Masks first: most cells are plain digits, and a regular expression costs PostgreSQL ten times more.
        scores = [f"CASE WHEN {mask(f'f_{f}')} IN ('9', '99') THEN f_{f}::numeric WHEN f_{f} ~ {whole} THEN "
                  f"substring(f_{f} from {whole_part})::numeric END AS n_{f}" for f in ("nps", "csat", "ces")]
        ratings = [f"CASE WHEN {mask(f'd{k}')} IN ('9', '99', '9.9', '9.99') THEN d{k}::float8 "
                   f"WHEN d{k} ~ {number} THEN replace(d{k}, ',', '.')::float8 END AS r{k}" for k in k_range]
        no_content = " AND ".join(["f_text = ''", "f_nps = ''", "f_csat = ''", "f_ces = ''",
                                   *(f"d{k} = ''" for k in k_range)])
        errors = [
            self._score_error("nps"), self._score_error("csat"), self._score_error("ces"),
            *(f"CASE WHEN d{k} <> '' AND r{k} IS NULL THEN "
              + sql_reason("rating_not_a_number", name=literal(name), value=quoted("rating_not_a_number", f"d{k}"))
              + " END" for k, (_, name) in enumerate(self.drivers)),
            f"CASE WHEN {no_content} THEN {literal(rules.no_content(self.content_columns))} END",
            "CASE WHEN f_received <> '' AND NOT date_ok THEN "
            + sql_reason("not_a_date", value=quoted("not_a_date", "f_received")) + " END",
            "CASE WHEN f_source <> '' AND source_kind IS NULL THEN "
            + sql_reason("unknown_source", value=quoted("unknown_source", "source_words")) + " END",
            "CASE WHEN f_account <> '' AND account_pk IS NULL THEN "
            + sql_reason("unknown_account", value=quoted("unknown_account", "f_account")) + " END",
        ]
        pairs = ", ".join(f"{literal(name)}, r{k}" for k, (_, name) in enumerate(self.drivers))
        every = " AND ".join(f"r{k} IS NOT NULL" for k in k_range)
        ratings_json = (f"CASE WHEN {every} THEN jsonb_build_object({pairs}) "
                        f"ELSE jsonb_strip_nulls(jsonb_build_object({pairs})) END") if self.drivers else "'{}'::jsonb"
        by_name = sorted((name, k) for k, (_, name) in enumerate(self.drivers))
        ratings_key = ("concat_ws(';', " + ", ".join(f"CASE WHEN d{k} <> '' THEN {literal(name + '=')} || d{k} END"
                                                     for name, k in by_name) + ")") if by_name else "''"
        person_key = "CASE WHEN f_person <> '' THEN lower(f_person) ELSE lower(f_email) END"
        key = " || chr(31) || ".join([literal(self.batch.source_name), "kind", "f_received", "lower(f_account)",
                                      person_key, "f_nps", "f_csat", "f_ces", ratings_key, "f_text"])
        moment = "make_timestamp(y, mo, d, hh, mi, ss + us / 1e6::float8)"
        days = ("CASE WHEN mo IN (4, 6, 9, 11) THEN 30 WHEN mo = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) "
                "OR y % 400 = 0 THEN 29 ELSE 28 END ELSE 31 END")
        date_ok = (f"coalesce(date_kind > 0 AND y >= 1 AND mo BETWEEN 1 AND 12 AND d BETWEEN 1 AND {days} "
                   "AND hh <= 23 AND mi <= 59 AND ss <= 59 AND (zone IS NULL OR zone = 'Z' OR "
                   "(substr(zone, 2, 2)::int <= 23 AND right(zone, 2)::int <= 59)), false)")
        if trusting:
            # PostgreSQL's input takes an hour 24 and a second 60, which the rules refuse.
            date_ok = ("CASE WHEN date_kind = 1 THEN length(f_received) = 10 OR (substr(f_received, 12, 2) < '24' "
                       "AND (substr(f_received, 17, 1) <> ':' OR substr(f_received, 18, 2) < '60')) "
                       f"ELSE {date_ok} END")
        offset = ("(CASE WHEN left(zone, 1) = '-' THEN -1 ELSE 1 END) * "
                  "make_interval(hours => substr(zone, 2, 2)::int, mins => right(zone, 2)::int)")
        small = {f: rules.SCORE_RANGES[f] for f in ("nps", "csat", "ces")}
        score_values = ", ".join(f"CASE WHEN n_{f} BETWEEN {lo} AND {hi} THEN n_{f}::smallint END AS {f}"
                                 for f, (lo, hi) in small.items())
        # OFFSET 0 keeps each level a level of its own, so an expression used twice above (the date's match,
        # the parsed scores) is computed once per record.
        return f"""
CREATE TEMPORARY TABLE {part.checked} AS
SELECT rec, too_long IS NULL AND blank AS blank,
       CASE WHEN too_long IS NOT NULL THEN too_long WHEN blank THEN NULL ELSE coalesce({", ".join(errors)}) END
           AS reason,
       kind AS source, left(f_external, 200) AS external_id,
       CASE WHEN left(f_external, 200) = '' THEN encode(sha256(convert_to({key}, 'UTF8')), 'hex') ELSE '' END
           AS content_hash,
       CASE WHEN {"date_kind = 1 AND date_ok" if trusting else "false"} THEN f_received::timestamptz
            WHEN date_ok THEN CASE WHEN zone IS NULL THEN {moment} AT TIME ZONE {literal(self.tz_name)}
                                   WHEN zone = 'Z' THEN {moment} AT TIME ZONE 'UTC'
                                   ELSE ({moment} - {offset}) AT TIME ZONE 'UTC' END END AS received_at,
       coalesce(account_pk, person_account) AS account_id, person_pk AS person_id, {score_values},
       {ratings_json} AS driver_ratings, f_text AS text
FROM (
  SELECT q.*, {date_ok} AS date_ok FROM (
    SELECT v.*, {self._date_parts(trusting)} FROM (
      SELECT s.*, a.pk AS account_pk, coalesce(pr.pk, pe.pk) AS person_pk,
             CASE WHEN pr.pk IS NOT NULL THEN pr.account_id ELSE pe.account_id END AS person_account,
             {source_case} AS source_kind, coalesce({source_case}, {literal(self.batch.source)}) AS kind,
             {self._date_kind()} AS date_kind,
             {", ".join(scores + ratings)}
      FROM (
        SELECT rec, {self._too_long()} AS too_long, {blank} AS blank, {", ".join(cells)},
               lower(replace(replace({self.trimmed("source")}, '-', ' '), '_', ' ')) AS source_words
        FROM {part.stage}
      ) s
      LEFT JOIN {account_refs} a ON a.ref = lower(s.f_account) AND s.f_account <> ''
      LEFT JOIN {person_refs} pr ON pr.ref = lower(s.f_person) AND s.f_person <> ''
      LEFT JOIN {person_emails} pe ON pe.ref = lower(s.f_email) AND s.f_email <> ''
      OFFSET 0
    ) v OFFSET 0
  ) q OFFSET 0
) checked"""

    def select(self, part: Part) -> str:
        """The good records of one range of the checked table's pages, as the feedback table's rows (the columns
        of ``imports.FeedbackRow``), for a ``FeedbackWriter`` to insert."""
        return (f"SELECT {int(self.batch.workspace_id)}, c.source, {literal(self.batch.source_name)}, c.external_id, "
                "c.content_hash, coalesce(c.received_at, %s), c.account_id, c.person_id, c.nps, c.csat, c.ces, "
                f"c.driver_ratings, c.text, t.score, {int(self.batch.pk)} "
                f"FROM {part.checked} c LEFT JOIN {part.sentiment} t ON t.text = c.text AND c.text <> '' "
                "WHERE c.reason IS NULL AND NOT c.blank AND c.ctid >= %s::tid AND c.ctid < %s::tid "
                # In time order, the (workspace, received_at) index grows at its end instead of everywhere.
                "ORDER BY c.received_at")

    def rejected(self, part: Part) -> str:
        cells = ", ".join(f"s.{self.cell(i)}" for i in range(self.width))
        return (f"SELECT c.rec, c.reason, {cells} FROM {part.checked} c JOIN {part.stage} s USING (rec) "
                "WHERE c.reason IS NOT NULL ORDER BY c.rec")

    def line_breaks(self, part: Part) -> str:
        """Records holding line breaks in quoted cells: they move the line numbers of the records after them."""
        joined = "concat(" + ", ".join(self.cell(i) for i in range(self.width)) + ")"
        return (f"SELECT rec, nl FROM (SELECT rec, length({joined}) - length(replace({joined}, E'\\n', '')) AS nl "
                f"FROM {part.stage}) x WHERE nl > 0 ORDER BY rec")


def lookup_tables(workspace_id: int, suffix: str) -> tuple[tuple[str, str, str], list[str]]:
    """Temporary lookups of the workspace's accounts and persons, keyed as ``imports.AccountDirectory`` keys them."""
    accounts, persons, emails = (f"voice_import_{name}_{suffix}" for name in ("accounts", "persons", "emails"))
    names = (accounts, persons, emails)
    ws = int(workspace_id)
    account_table, person_table = Account._meta.db_table, Person._meta.db_table

    def trim(column: str) -> str:
        return f"btrim({column}, {WHITESPACE_SQL})"

    statements = [
        # An external id wins over a name; among equal names, the oldest account.
        f"CREATE TEMPORARY TABLE {accounts} AS SELECT DISTINCT ON (ref) ref, pk FROM ("
        f"SELECT lower({trim('external_id')}) AS ref, id AS pk, 0 AS rank FROM {account_table} "
        f"WHERE workspace_id = {ws} AND {trim('external_id')} <> '' UNION ALL "
        f"SELECT lower({trim('name')}), id, 1 FROM {account_table} WHERE workspace_id = {ws}"
        ") refs ORDER BY ref, rank, pk",
        # Among persons sharing a reference, the newest.
        f"CREATE TEMPORARY TABLE {persons} AS SELECT DISTINCT ON (lower({trim('external_id')})) "
        f"lower({trim('external_id')}) AS ref, id AS pk, account_id FROM {person_table} WHERE workspace_id = {ws} "
        f"AND {trim('external_id')} <> '' ORDER BY lower({trim('external_id')}), id DESC",
        f"CREATE TEMPORARY TABLE {emails} AS SELECT DISTINCT ON (lower(email)) lower(email) AS ref, id AS pk, "
        f"account_id FROM {person_table} WHERE workspace_id = {ws} AND email <> '' ORDER BY lower(email), id DESC",
        *(f"ANALYZE {name}" for name in names),
    ]
    return names, statements


