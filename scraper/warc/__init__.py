"""Web archives in and out: WARC files of what the crawl fetched (``writer``), and archived
pages — ours, Common Crawl's CC-NEWS, any archive's — back through the crawl's path
(``reader``, ``importer``)."""
