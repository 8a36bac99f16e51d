"""Excel workbooks the pages and the API exchange: the entries workbook a township fills in
(``entries``: its columns and labels, read into interchange lines; ``template``: the file to
download) and the county's ranking (``ranking``). Reading and writing the file format within
limits is the edge's own package, ``spreadsheets``."""

from web.workbooks.bundle import ZIP, import_bundle, is_zip, read_bundle
from web.workbooks.entries import columns, importable_types, lines_and_files, lines_from
from web.workbooks.ranking import ranking_workbook
from web.workbooks.template import template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

__all__ = [
    "XLSX",
    "ZIP",
    "columns",
    "import_bundle",
    "importable_types",
    "is_zip",
    "lines_and_files",
    "lines_from",
    "ranking_workbook",
    "read_bundle",
    "template",
]
