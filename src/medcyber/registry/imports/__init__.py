"""Registry imports (REG-3): read a CSV/XLSX file, check each row, apply all or nothing.

readers (file → rows) → columns (header → fields) → rows (row → clean record or errors)
→ apply (records → database, one transaction, one audit event) → report (text and CSV).
"""
