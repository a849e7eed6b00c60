"""ainews: crawl AI-news sites into a clean, de-duplicated SQLite database."""

__version__ = "0.1.0"
