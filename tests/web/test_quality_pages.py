"""Data-quality flags on the pages: beside the rank on the county's ranking (each flag
explained in one sentence, its entries linked to their history), on the township's own
dashboard, and in the ranking workbook. The site's township recorded its whole 2024 now, long
after the business dates: every entry is backfilled; its neighbour recorded nothing."""

from __future__ import annotations

import html
import io
import re

import openpyxl


def flags_cell(page: str, township: str) -> str:
    row = re.search(rf'<tr data-township="{township}">(.*?)</tr>', page, re.S).group(1)
    return re.search(r'<td data-flags="([^"]*)"', row).group(1)


def test_the_ranking_shows_each_townships_flags_explained_with_their_entries(as_role, site):
    officer = as_role("county_officer")
    page = officer.get("/county/?period=2024").text
    assert flags_cell(page, site.township) == "backfilled"
    assert flags_cell(page, site.neighbour) == ""
    section = page.split('id="h-quality"')[1].split("</section>")[0]
    assert f'data-quality="{site.township}"' in section
    assert site.neighbour not in section
    assert "集中补录" in section
    assert re.search(
        r"本期间 100% 的记录（\d+ 条）在业务日期 30 天之后才登记，超过提示线 20%。", section
    )
    links = re.findall(r'href="(/county/entry\?[^"]+)"', section)
    assert links
    history = officer.get(html.unescape(links[0]))
    assert history.status_code == 200
    assert "返回排名" in history.text
    assert "backfilled" not in re.sub(r'data-[a-z-]+="[^"]*"', "", page.split("<main")[1])


def test_the_ranking_in_english_explains_the_flag_in_english(as_role, site):
    officer = as_role("county_officer")
    officer.get("/language/en")
    page = officer.get("/county/?period=2024").text
    assert "Backfilled" in page
    assert "of the period&#39;s entries" in page or "of the period's entries" in page
    assert "above the 20% threshold" in page


def test_the_township_sees_its_own_flags_on_its_dashboard(as_role, site):
    head = as_role("head")
    page = head.get("/township/?period=2024").text
    section = page.split('id="h-quality"')[1].split("</section>")[0]
    assert 'data-flag="backfilled"' in section
    links = re.findall(r'href="(/township/entry\?id=[^"]+)"', section)
    assert links and head.get(html.unescape(links[0])).status_code == 200
    neighbour = as_role("neighbour_clerk").get("/township/?period=2024").text
    assert 'id="h-quality"' not in neighbour


def test_the_ranking_workbook_shows_the_flags(as_role, site):
    officer = as_role("county_officer")
    answer = officer.get("/county/ranking.xlsx?period=2024")
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    sheet = book.worksheets[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in cells if "数据质量" in r)
    column = header.index("数据质量")
    shown = {r[1]: r[column] for r in cells[cells.index(header) + 1 :] if r[1]}
    assert shown["巩留镇"] == "集中补录"
    assert shown["东买里镇"] in (None, "")
