"""The reports wing: report requests, the reads behind them, PDFs, the public export."""
