"""Kiosk-to-collector sync: wire format, uploader, backoff."""
