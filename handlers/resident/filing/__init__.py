"""Filing a case step by step: kind, category, village, text, files, phone, then confirm."""
