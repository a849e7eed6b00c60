"""Exit codes of the ``ainews`` commands, the ones a cron user can act on (see README)."""

EXIT_OK = 0
EXIT_FAILED = 1  # the crawl ran but failed: nothing reachable, or errors while storing
EXIT_CONFIG = 2  # bad sites file, database or options: fix what the message names
EXIT_PARTIAL = 3  # finished, but for some sites no feed/sitemap/listing could be read
EXIT_LOCKED = 75  # another process holds the database's lock (EX_TEMPFAIL): try again later

#: Exit code of a run from its status (``ainews.scraper.extensions.judge_run``).
BY_STATUS = {"ok": EXIT_OK, "partial": EXIT_PARTIAL}
