"""Reports: statistics turned into the documents communes file (.docx, HTML, PDF, JSON), in
the real documents' format (../shared/seeds)."""
