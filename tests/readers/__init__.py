"""The readers (searcher/formats/), grouped by format: text pages (test_text*.py), saved
HTML pages (test_html*.py, with JSON records in test_html_json*.py), JSON API and
scraper dumps (test_json*.py) and the structured formats (test_structured.py: field
maps, JSON Lines, JSON, Markdown). A new reader test goes beside its format's."""
