"""The yardstick of the speed ratios: python-calamine reading one sheet of a workbook, nothing else.

python benchmarks/bare_read.py FILE [SHEET]
"""

import sys

import python_calamine as pc

workbook = pc.CalamineWorkbook.from_path(sys.argv[1])
name = sys.argv[2] if len(sys.argv) > 2 else workbook.sheet_names[0]
rows = workbook.get_sheet_by_name(name).to_python()
