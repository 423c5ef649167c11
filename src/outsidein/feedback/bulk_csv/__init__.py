"""CSV files into PostgreSQL, set-based: the file goes to the server as it is, the rules run there.

Reading, checking and matching a million rows one at a time in Python costs far more than PostgreSQL
needs to do the same work in bulk, so on PostgreSQL a CSV file takes this path:

1. The file's bytes (after the header) are streamed through ``COPY … FROM STDIN (FORMAT csv)`` into a
   temporary table of text columns, one per file column, numbered in file order. Large files are cut
   into parts at record boundaries (a newline outside quotes) and the parts run side by side, each on a
   connection of its own.
2. One ``SELECT`` per part applies ``rules`` (the same patterns and the same words as the row-by-row
   reader): it trims the cells, checks scores, ratings and dates, matches accounts and persons, builds
   the content key and writes each record's values or its reason into a second temporary table.
3. The distinct texts are scored for sentiment (each once), and the good rows move into the feedback
   table in chunks with ``INSERT … SELECT … ON CONFLICT DO NOTHING``, ordered by time so the time index
   grows at its end. The rejected rows go to the batch's report with their line numbers.

Nothing is written to the feedback table before every part has been staged and checked. A file that
COPY cannot read as it stands (rows of the wrong width, mixed line endings, a NUL byte) raises
``NotForCopy`` before that point, and the row-by-row reader imports it instead, naming each bad row.

``cutting`` finds the parts, ``plan`` writes the SQL, ``loading`` runs it; this module names what the import uses.
"""

from outsidein.feedback.bulk_csv.cutting import NotForCopy, Part, cut
from outsidein.feedback.bulk_csv.loading import Outcome, PartRun, load, usable
from outsidein.feedback.bulk_csv.plan import Plan, lookup_tables

__all__ = ["NotForCopy", "Outcome", "Part", "PartRun", "Plan", "cut", "load", "lookup_tables", "usable"]
