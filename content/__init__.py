"""Clinical wording and fixed vocabularies, kept as data."""
