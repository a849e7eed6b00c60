"""Export the articles database to CSV, JSON Lines and Parquet."""
