"""Excel workbooks the pages and the API exchange: the entries workbook a township fills in
(``entries``: its columns and labels, read into interchange lines; ``template``: the file to
download) and the county's ranking (``ranking``). Reading and writing the file format within
limits is the edge's own package, ``spreadsheets``."""

from web.workbooks.entries import columns, importable_types, lines_from
from web.workbooks.ranking import ranking_workbook
from web.workbooks.template import template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

__all__ = ["XLSX", "columns", "importable_types", "lines_from", "ranking_workbook", "template"]
