"""The bundled demo web: four fictional AI-news sites served on 127.0.0.1 for offline runs.

``DemoServer`` (in :mod:`ainews.scraper.demo.server`) serves it; its ground truth for tests is
``tests/demo_expected.py``, outside the package. Pages are rendered from ``stories.toml`` by
one small layout module per site; ``sites.toml`` here is the demo sites file template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ainews.scraper.demo.server import DemoServer

__all__ = ["DemoServer"]


def __getattr__(name: str) -> Any:
    # Lazy, so ``python -m ainews.scraper.demo.server`` does not import the module twice.
    if name == "DemoServer":
        from ainews.scraper.demo.server import DemoServer

        return DemoServer
    raise AttributeError(name)
