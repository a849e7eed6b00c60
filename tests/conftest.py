from __future__ import annotations

from pathlib import Path

import pytest

from ainews.scraper.paths import SHARED_ENV, shared_dir


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared data folder; tests that need it skip with the reason where it is absent."""
    path = shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path} (set ${SHARED_ENV} to its folder)")
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo web crawled, one story edited, crawled again: one build per test session
    (``ainews.exports.schema_doc.build_demo_database``). Tests must not write to it."""
    from ainews.exports.schema_doc import build_demo_database

    return build_demo_database(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    """A real redis-server for the session (Debian package ``redis-server``); tests that
    need it skip with the reason where it is not installed. Flush it between tests."""
    from tests import redis_server

    if not redis_server.available():
        pytest.skip(f"redis-server not found at {redis_server.REDIS_SERVER} "
                    "(apt-get install redis-server)")
    with redis_server.redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url
