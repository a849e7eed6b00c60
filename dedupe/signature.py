"""Word shingles and their MinHash signatures, vectorised with numpy.

The permutations are datasketch's ``affine32`` scheme (``h -> a*fmix32(h) + b mod 2^32``,
``a`` odd, drawn from ``numpy.random.RandomState(seed)``), so a signature here equals
``datasketch.MinHash(num_perm, seed, scheme="affine32", hashfunc=int).update_batch(shingles)``
and can be handed to datasketch (e.g. its Redis-backed LSH) as a ``LeanMinHash``. It is
computed for all shingles at once instead of one Python call per shingle: that is what
makes ~5x datasketch's speed from text. The permutation parameters are drawn here the way
datasketch draws them (tests/test_dedupe.py checks they are equal): importing datasketch
would load scipy into every crawl process for two arrays (~50 MB of resident memory).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# Word 3-grams. On word 5-grams, editing 5% of the words already drops the Jaccard of two
# copies to ~0.6 (each edit breaks 5 shingles) and 10% to ~0.4; on 3-grams the same edits
# give ~0.75 and ~0.57, while two different stories about the same event stay below ~0.1
# (measured in benchmarks/dedup.py). 2-grams would raise both: unrelated news shares
# many 2-grams ("the company", "said on").
SHINGLE_SIZE = 3
# 128 permutations: the standard error of a Jaccard estimate is sqrt(J(1-J)/128) <= 0.044;
# enough for candidate generation (every candidate is verified on the exact shingle sets).
NUM_PERM = 128
# Pinned: a different seed gives different signatures, so a stored index must be rebuilt.
SEED = 20260330
# datasketch 2's bijective 32-bit permutations (its default since 2.0.0); "legacy" folds a
# 61-bit prime field to 32 bits and inflates estimates on large sets.
SCHEME = "affine32"
# The lede signature: the first LEDE_SHINGLES content shingles, LEDE_NUM_PERM permutations.
# An excerpt ("truncation with a read-more link") starts like its story, so its lede
# signature equals the story's whatever the excerpt's share of the story.
LEDE_SHINGLES = 40
LEDE_NUM_PERM = 16

_MIX_1 = np.uint64(0x9E3779B97F4A7C15)
_MIX_2 = np.uint64(0xC2B2AE3D27D4EB4F)


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters ``(a, b)`` as row vectors: ``a`` odd,
    both uint32, drawn in this order from ``numpy.random.RandomState(seed)``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a.reshape(1, -1), b.reshape(1, -1)


#: MurmurHash3's finalisers ("fmix"): the word type, three right shifts, two multipliers.
_FMIX64 = (np.uint64, (33, 33, 33), (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53))
_FMIX32 = (np.uint32, (16, 13, 16), (0x85EBCA6B, 0xC2B2AE35))


def _fmix(h: np.ndarray, finaliser: tuple) -> np.ndarray:
    """MurmurHash3's avalanche step on every word of ``h`` (``_FMIX64`` or ``_FMIX32``)."""
    word, (s1, s2, s3), (m1, m2) = finaliser
    h = h ^ (h >> word(s1))
    h = h * word(m1)
    h = h ^ (h >> word(s2))
    h = h * word(m2)
    return h ^ (h >> word(s3))


def shingles(token_hashes: np.ndarray, size: int = SHINGLE_SIZE) -> np.ndarray:
    """32-bit hashes of the word ``size``-grams, in order (a text shorter than ``size``
    tokens is one shingle)."""
    t = token_hashes.astype(np.uint64)
    n = t.size - size + 1
    if t.size == 0:
        return np.empty(0, dtype=np.uint32)
    if n < 1:
        n, size = 1, t.size
    h = t[:n].copy()
    for i in range(1, size):
        h = h * _MIX_1 + (t[i : i + n] ^ _MIX_2)
    return (_fmix(h, _FMIX64) >> np.uint64(32)).astype(np.uint32)


def minhash(shingle_hashes: np.ndarray, num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    """The MinHash signature (``num_perm`` uint32) of a set of 32-bit shingle hashes.

    An empty set gives all ``2**32 - 1``, as datasketch does."""
    if shingle_hashes.size == 0:
        return np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    a, b = permutations(num_perm, seed)
    # One (n_shingles, num_perm) matrix; the minimum down each column is one permutation's.
    values = _fmix(shingle_hashes, _FMIX32).reshape(-1, 1) * a
    values += b
    return values.min(axis=0)


def lede_signature(shingle_hashes: np.ndarray) -> np.ndarray:
    """The signature of the first ``LEDE_SHINGLES`` shingles (seeded apart from the main one)."""
    return minhash(shingle_hashes[:LEDE_SHINGLES], LEDE_NUM_PERM, SEED + 1)
