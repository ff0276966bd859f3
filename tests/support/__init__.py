"""Test helpers: builders, a fake clock, a live server, database tiers."""
