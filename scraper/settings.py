"""Scrapy settings for the ainews crawl. Ours are prefixed ``AINEWS_``."""

BOT_NAME = "ainews"
SPIDER_MODULES = ["ainews.scraper.spiders"]
NEWSPIDER_MODULE = "ainews.scraper.spiders"

# Where the crawl reads its sites and writes its articles (the CLI overrides both).
AINEWS_DB = "data/ainews.db"
AINEWS_SITES_FILE = "sites.toml"
AINEWS_SITES = ""  # comma-separated site names; empty = all
AINEWS_REVISIT_MINUTES = 10  # start points read this recently are not asked again
AINEWS_LISTING_PAGES = 3  # "next" pages followed per listing
AINEWS_MAX_CHILD_SITEMAPS = 1000  # child sitemaps read per run (sitemap_cap when hit)
AINEWS_MAX_DOCUMENT_LINKS = 50_000  # article links read per feed or sitemap (links_cap)
AINEWS_MAX_LISTING_LINKS = 5_000  # distinct links read per listing page (links_cap)
AINEWS_BATCH_SIZE = 200  # article requests handed to Scrapy at once from the frontier
AINEWS_RETRY_FAILED_DAYS = 7  # a failed article URL is tried again after this back-off
AINEWS_WORKERS = -1  # processes cleaning pages: -1 = one per core, 0 = in-process
AINEWS_PAGE_TIMEOUT = 20  # seconds one page may take to clean before it is abandoned
AINEWS_DECODE_IN_WORKERS = True  # gzip article pages are decoded by the cleaning workers
AINEWS_GC_THRESHOLD = 50_000  # crawl process: allocations between young GCs (0: Python's)

# Politeness. The sites file sets DOWNLOAD_DELAY, USER_AGENT and AINEWS_ALLOW_PRIVATE
# for each crawl (ainews.scraper.sites has their defaults).
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
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
# Outputs of one callback handled at once. A callback here yields one page and a few
# requests; Scrapy's default (100) starts 100 asyncio tasks per response, ~1.5 ms of the
# crawl process per page.
CONCURRENT_ITEMS = 4

DOWNLOADER_MIDDLEWARES = {
    "ainews.scraper.middlewares.SchemeMiddleware": 50,  # first: only http(s), before robots.txt
    # AllowedDomainsMiddleware checks every request, dont_filter ones and redirects too.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    # Scrapy's robots.txt and decompression checks, raising their skip reason.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "ainews.scraper.refusals.RobotsTxtSkips": 100,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "ainews.scraper.refusals.DecompressionSkips": 590,
    "ainews.scraper.middlewares.AllowedDomainsMiddleware": 110,
    "ainews.scraper.middlewares.PrivateAddressMiddleware": 120,
    "ainews.scraper.middlewares.RetryAfterMiddleware": 560,  # sees 429/503 before RetryMiddleware
    # A Location we never follow (file:, javascript:, 100 KB) is a counted skip, seen before
    # RedirectMiddleware (600) reads it.
    "ainews.scraper.middlewares.RedirectTargetMiddleware": 650,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "ainews.scraper.middlewares.HeadMetaRefreshMiddleware": 580,  # Scrapy's, reading the head
}
ITEM_PIPELINES = {
    "ainews.scraper.pipelines.ProcessPipeline": 100,
}
EXTENSIONS = {
    "ainews.scraper.state.CrawlState": 50,  # the run's one database connection
    "ainews.scraper.extensions.RunRecorder": 100,
    "ainews.scraper.extensions.GarbageCollection": 150,  # fewer, cheaper collections
    "ainews.scraper.diskfull.DiskFullGuard": 200,  # a full disk stops the run at the first write
    "ainews.scraper.warc.writer.WarcRecorder": 300,  # off unless AINEWS_WARC_DIR (--warc DIR)
    "scrapy.extensions.telnet.TelnetConsole": None,
    # Off (REMOTE_CONTROL_ENABLED below), and not even imported: it loads aiohttp.
    "scrapy.extensions.remote_control.RemoteControl": None,
}
# Scrapy 2.19 runs an HTTP server that executes code sent to it; a cron crawler needs none.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Scrapy checks each response's callback for a generator that returns a value (a developer
# warning) by reading its source with inspect and ast: ~2.4 ms each time its cache of
# callbacks misses, which it does whenever the request it first saw the bound method on is
# gone (~30 times per 1,000 pages here). Our callbacks return nothing.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Scrapy's stats with plain attribute access (its own look each attribute up through a
# deprecation shim: ~4 us a call, ~15 calls a response).
STATS_CLASS = "ainews.scraper.extensions.PlainStats"

LOG_LEVEL = "INFO"
LOG_FORMATTER = "ainews.scraper.logformatter.ShortLogFormatter"  # never an item in the log
FEED_EXPORT_ENCODING = "utf-8"
