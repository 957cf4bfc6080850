"""The workbook wing: the XLSX template and progress workbook, exported and imported back."""
