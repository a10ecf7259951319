"""Every UI string of the kiosk, by the key the screens use, translated through the gettext catalogs (no Kivy here).

Screens and .kv files never hold text: they call `t(key, locale)`, and the key names its English
source string here (the msgid; kiosk/locale/<lang>/LC_MESSAGES/skm.po holds the languages). The keys
stay because the .kv bindings and the staff form pick texts by name (`"yes" if ... else "no"`,
`error_<code>`); they also keep the .kv files free of msgids, so extraction reads Python only. A
missing key renders as a visible marker so a test can catch it on screen.
"""
from __future__ import annotations

import logging

from kiosk.i18n import N_, language_name, translator

log = logging.getLogger(__name__)

MISSING = "\u27e6{key}\u27e7"

MESSAGES: dict[str, str] = {
    "app_title": N_("Public Satisfaction Survey"),
    "welcome_title": N_("How was our service today?"),
    "welcome_body": N_("Public Satisfaction Survey. One minute, no name asked."),
    "start": N_("Start the survey"),
    # TRANSLATORS: the speaker button in the top bar that reads the screen aloud; "stop_listening" while it speaks.
    "listen": N_("Listen"),
    "stop_listening": N_("Stop"),
    "no_sound": N_("No sound"),
    # TRANSLATORS: the switch on the welcome screen for larger text and stronger colours, for this respondent only.
    "large_text": N_("Large text"),
    "please_wait": N_("Please wait a moment..."),
    "service_title": N_("Which service did you receive today?"),
    "progress": N_("Question {n} of {total}"),
    "back": N_("Back"),
    "skip": N_("Skip"),
    "answer_hint": N_("Touch one of the faces"),
    "profile_title": N_("About you"),
    "profile_body": N_("Fill in or skip, as you like. This survey is anonymous."),
    "next": N_("Continue"),
    "skip_profile": N_("Skip"),
    "comment_title": N_("Any suggestion for us?"),
    "comment_body": N_("Write one or skip, as you like."),
    "comment_hint": N_("Type your suggestion here"),
    "comment_count": N_("{n} of {max} characters"),
    "send": N_("Send"),
    "skip_comment": N_("Skip"),
    "saving": N_("Saving your answers..."),
    "save_failed": N_("Sorry, your answers are not saved yet. Please call a staff member."),
    "retry": N_("Try again"),
    "cannot_save": N_("The kiosk cannot save right now. Your answers are still here: please call a staff member."),
    "thanks_title": N_("Thank you!"),
    "thanks_body": N_("Your answers help us improve our service."),
    "counter_label": N_("Counter"),
    "pin_title": N_("Enter the staff PIN"),
    "pin_wrong": N_("Wrong PIN. Attempts left: {n}"),
    "pin_locked": N_("Too many wrong PINs. Try again in {s} seconds."),
    "pin_checking": N_("Checking the PIN..."),
    "pin_clear": N_("Clear"),
    "pin_ok": N_("OK"),
    "cancel": N_("Cancel"),
    "staff_title": N_("Staff mode"),
    "staff_settings": N_("Kiosk settings"),
    "office": N_("Office"),
    "counter": N_("Counter"),
    "bound_service": N_("Service"),
    "service_any": N_("Ask the citizen"),
    "languages": N_("Languages"),
    "ask_profile": N_("Ask for a profile"),
    "ask_comment": N_("Ask for a suggestion"),
    "allow_skip": N_("Allow skipping questions"),
    # TRANSLATORS: the staff setting for the citizen screens' speaker: off, a speaker button, or each question read
    # as it appears.
    "read_aloud": N_("Read aloud"),
    "read_aloud_off": N_("Off"),
    "read_aloud_button": N_("Button"),
    "read_aloud_auto": N_("Automatic"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "sync_url": N_("Server address"),
    "sync_url_hint": N_("https://... (empty = no sync)"),
    "test_connection": N_("Test connection"),
    "checking_connection": N_("Checking the connection..."),
    "connection_ok": N_("The server answered: connection OK."),
    "save_settings": N_("Save settings"),
    "settings_saved": N_("Settings saved."),
    "settings_invalid": N_("Not saved, please check: {fields}"),
    "queue_title": N_("Response data"),
    "pending": N_("Pending"),
    "sent": N_("Sent"),
    "rejected": N_("Rejected"),
    "oldest_pending": N_("Oldest waiting"),
    "last_sync": N_("Last sync"),
    "last_error": N_("Last error"),
    "never": N_("never"),
    "nothing": N_("none"),
    "sync_off": N_("Sync is off: no server address."),
    "sync_now": N_("Sync now"),
    "syncing": N_("Sending..."),
    "sync_requested": N_("Sending started."),
    "alarm": N_("Attention: some answers have waited more than 24 hours."),
    "export_jsonl": N_("Export JSON"),
    "export_csv": N_("Export CSV"),
    "exported": N_("{n} responses exported to {path}"),
    "export_failed": N_("Export failed. Check the free storage."),
    "change_pin": N_("Change PIN"),
    "new_pin": N_("New PIN"),
    "repeat_pin": N_("Repeat PIN"),
    "pin_changed": N_("The staff PIN is changed."),
    "demo_pin_warning": N_("This kiosk still opens with the demo PIN {pin}, which anyone can look up: set the "
                           "office's own PIN below."),
    "pin_invalid": N_("A PIN is 4 to 12 digits, typed the same twice."),
    "close_staff": N_("Back to the survey"),
    "exit_app": N_("Exit the app"),
    # TRANSLATORS: a waiting time in the staff screen's queue table; {n} is a number.
    "seconds": N_("{n} s"),
    "minutes": N_("{n} min"),
    "hours": N_("{n} h"),
    "days": N_("{n} days"),
    "error_unauthorised": N_("The server refused this kiosk; enroll it again."),
    "error_network": N_("No network to the server."),
    "error_timeout": N_("The server did not answer (timeout)."),
    "error_server": N_("The server has a problem."),
    "error_captive_portal": N_("The network asks for a login (public wifi)."),
    "error_bad_response": N_("The server's answer was not understood."),
    "error_tls": N_("The server's security certificate failed."),
    "error_bad_url": N_("The server address is not valid."),
    "error_storage": N_("The kiosk could not write to its own storage."),
    "error_other": N_("Sending failed."),
    "storage_disk_full": N_("The storage is full: answers cannot be saved. Free some space."),
    "storage_read_only": N_("The storage is read-only: answers cannot be saved."),
    "storage_io_error": N_("The storage reports errors: answers cannot be saved."),
    "storage_busy": N_("Another program holds the answer file: answers cannot be saved."),
    "storage_cannot_open": N_("The answer file cannot be opened: answers cannot be saved."),
    "storage_damaged": N_("The answer file is damaged and not repaired yet."),
    # TRANSLATORS: {when} is a date and time, {recovered} and {lost} are numbers of answers.
    "queue_repaired": N_("Answer file repaired on {when}: {recovered} recovered, {lost} lost; the damaged file is kept."),
    "clock_before_build": N_("The kiosk's date is wrong (before this app was made): set the date and time."),
    # TRANSLATORS: {minutes} is a number.
    "clock_off": N_("The kiosk's clock is {minutes} minutes off the server's: set the date and time."),
}

SYNC_ERROR_CODES = ("unauthorised", "network", "timeout", "server", "captive_portal", "bad_response", "tls", "bad_url",
                    "storage")


def t(key: str, locale: str = "id", **values: object) -> str:
    """The text for `key` in `locale`, with {placeholders} filled in."""
    if key.startswith("language_"):  # a language's own name, the same on every screen language
        return language_name(key.removeprefix("language_"))
    source = MESSAGES.get(key)
    if source is None:
        log.error("no text for %r", key)
        return MISSING.format(key=key)
    text = translator(locale)(source)
    return text.format(**values) if values else text


def duration(seconds: float, locale: str) -> str:
    """A waiting time in words a clerk reads at a glance."""
    seconds = max(0, int(seconds))
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= size:
            return t(unit, locale, n=seconds // size)
    return t("seconds", locale, n=seconds)


def sync_error(code: str | None, locale: str) -> str:
    return t(f"error_{code}" if code in SYNC_ERROR_CODES else "error_other", locale)
