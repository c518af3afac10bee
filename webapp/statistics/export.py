"""The report as an Excel workbook (openpyxl): one sheet per table, headers in the user's
language, real numbers, percentages and dates, and text that a spreadsheet cannot take for
a formula (a name starting with =, +, - or @ is written as text)."""
from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .tables import Rate, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _write(cell: Cell, value: Any, bold: bool = False) -> None:
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # never a formula, whatever it starts with
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif isinstance(value, Rate):
        cell.value = float(value)
        cell.number_format = "0.0%"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, float):
        cell.value = value
        cell.number_format = "0.0"
    else:
        cell.value = value  # an int, or None: an empty cell
    if bold:
        cell.font = Font(bold=True)


def workbook(tables: list[Table]) -> bytes:
    """The .xlsx file of these tables."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for table in tables:
        sheet = book.create_sheet(table.title[:31].replace("/", "-"))
        for col, header in enumerate(table.headers, start=1):
            _write(sheet.cell(row=1, column=col), header, bold=True)
            sheet.column_dimensions[get_column_letter(col)].width = max(12, len(header) + 2)
        rows = list(table.rows) + ([table.total] if table.total else [])
        for r, row in enumerate(rows, start=2):
            for col, value in enumerate(row, start=1):
                _write(sheet.cell(row=r, column=col), value,
                       bold=table.total is not None and r == len(rows) + 1)
        sheet.freeze_panes = "B2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
