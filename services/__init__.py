"""The domain: plain functions over models, with no request or session in sight."""
