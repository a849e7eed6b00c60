"""Banding of MinHash signatures into LSH keys (one SQLite row per band per document).

Two documents become candidates when any band of ``rows`` signature values is equal in
both. For Jaccard ``J`` that happens with probability ``1 - (1 - J**rows)**bands``.
"""

from __future__ import annotations

import numpy as np
import xxhash

from ainews.dedupe import signature

# 42 bands of 3 rows (126 of the 128 permutations): P(candidate) is 0.94 at J=0.4, 0.98 at
# J=0.45, 0.996 at J=0.5 and 0.9999 at J=0.6 (near-copies measure J >= 0.45 on content
# 3-grams), but only 0.0003 at J=0.02 (unrelated news) and 0.05 at J=0.1 (different
# stories about the same event), so candidates stay few. 4 rows would need 128 bands for
# the same recall at J=0.45; 2 rows would make every story about one event a candidate.
BANDS = 42
ROWS = 3
# The lede signature (see signature.LEDE_NUM_PERM): 8 bands of 2 rows. An excerpt's lede
# equals its story's (J ~ 1, always a candidate); P is 0.9 at J=0.5 and 0.08 at J=0.1.
LEDE_BANDS = 8
LEDE_ROWS = 2
# Lede keys live in their own key space: the band number is offset by this.
_LEDE_OFFSET = 1 << 16


def band_keys(signature: np.ndarray, bands: int, rows: int, offset: int = 0) -> list[int]:
    """One signed 64-bit key per band (the band's values hashed with its number)."""
    if bands * rows > signature.size:
        raise ValueError(f"{bands} bands x {rows} rows need {bands * rows} hash values, "
                         f"the signature has {signature.size}")
    data = signature[: bands * rows].astype("<u4").tobytes()
    step = rows * 4
    keys = []
    for band in range(bands):
        key = xxhash.xxh3_64_intdigest(data[band * step : (band + 1) * step], seed=offset + band)
        keys.append(key - (1 << 64) if key >= 1 << 63 else key)
    return keys


def all_keys(signature: np.ndarray, lede: np.ndarray, bands: int = BANDS, rows: int = ROWS,
             lede_bands: int = LEDE_BANDS, lede_rows: int = LEDE_ROWS) -> list[int]:
    """The band keys of a document: its main signature's, then its lede's."""
    return band_keys(signature, bands, rows) + band_keys(lede, lede_bands, lede_rows, _LEDE_OFFSET)


def document_keys(content: np.ndarray, num_perm: int = signature.NUM_PERM,
                  seed: int = signature.SEED, bands: int = BANDS, rows: int = ROWS) -> list[int]:
    """The band keys of a document's content shingles (``signature.shingles``): its MinHash
    signature's, then its lede's; none for a text without shingles."""
    if not content.size:
        return []
    return all_keys(signature.minhash(content, num_perm, seed),
                    signature.lede_signature(content), bands, rows)
