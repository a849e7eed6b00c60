"""Scrapy settings for the ainews crawl. Ours are prefixed ``AINEWS_``."""

BOT_NAME = "ainews"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

# Where the crawl reads its sites and writes its articles (the CLI overrides both).
AINEWS_DB = "data/ainews.db"
AINEWS_SITES_FILE = "sites.toml"
AINEWS_SITES = ""  # comma-separated site names; empty = all
AINEWS_ALLOW_PRIVATE = False  # the sites file's allow_private sets this
AINEWS_REVISIT_MINUTES = 10  # start points read this recently are not asked again
AINEWS_LISTING_PAGES = 3  # "next" pages followed per listing

# Politeness. The sites file's download_delay and user_agent override these per crawl.
ROBOTSTXT_OBEY = True
USER_AGENT = "ainews/0.1 (+https://github.com/ainews-project/ainews)"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%, so requests do not arrive on a fixed beat
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # never more than one request in flight on average

# Bad input: bounded sizes (also after decompression, so gzip bombs stop), bounded waits.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # news pages are < 2 MB; 10 MB leaves room for sitemaps
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "scraper.middlewares.AllowedDomainsMiddleware": 110,
    "scraper.middlewares.PrivateAddressMiddleware": 120,
    "scraper.middlewares.RetryAfterMiddleware": 560,  # sees 429/503 before RetryMiddleware
}
ITEM_PIPELINES = {
    "scraper.pipelines.ExtractPipeline": 100,
    "scraper.pipelines.StorePipeline": 800,
}
EXTENSIONS = {
    "scraper.extensions.RunRecorder": 100,
    "scraper.warc.writer.WarcRecorder": 200,  # off unless AINEWS_WARC_DIR (--warc DIR)
    "scrapy.extensions.telnet.TelnetConsole": None,
}
# Scrapy 2.19 runs an HTTP server that executes code sent to it; a cron crawler needs none.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
