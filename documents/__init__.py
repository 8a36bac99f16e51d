"""Presentation adapters: documents people read, rendered from the projections' models.

``report_html`` and ``report_docx`` write the annual report (``projections.report``) as an
HTML page and a Word document, both in the official layout ``official`` describes. Used by
the command line and the web; this package imports the domain and the projections, never the
services, the web, infra or Flask.
"""
