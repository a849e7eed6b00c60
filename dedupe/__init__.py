"""Near-duplicate detection for article bodies (MinHash + LSH, verified)."""
