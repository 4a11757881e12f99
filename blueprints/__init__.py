"""Blueprints, split by audience first: portal and patient, then staff (auth, reception, admin)."""
