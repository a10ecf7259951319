"""The kiosk touch UI (Kivy). Only this package imports Kivy."""
