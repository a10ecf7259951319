"""Offices, services, kiosks, enrolment codes and admins: the collector's records and their rules.

One module per kind of record (offices, kiosks, admins); this package names what the rest of the
collector and the admin commands use, so callers write `records.add_office(...)`.
"""
from collector.records.admins import Admin, add_admin, authenticate_admin, list_admins
from collector.records.kiosks import (ENROLL_CODE_TTL, EnrolmentRefused, KioskRecord, add_kiosk, kiosk_for_token,
                                      list_kiosks, new_enroll_code, redeem_enroll_code, revoke_kiosk)
from collector.records.offices import (DEFAULT_TIMEZONE, OfficeRecord, add_office, add_service, get_office,
                                       list_offices, office_from_config, require_office, set_office_pin,
                                       update_office)
from collector.records.stamps import stamp, utc_now

__all__ = [
    "Admin", "add_admin", "authenticate_admin", "list_admins",
    "ENROLL_CODE_TTL", "EnrolmentRefused", "KioskRecord", "add_kiosk", "kiosk_for_token", "list_kiosks",
    "new_enroll_code", "redeem_enroll_code", "revoke_kiosk",
    "DEFAULT_TIMEZONE", "OfficeRecord", "add_office", "add_service", "get_office", "list_offices",
    "office_from_config", "require_office", "set_office_pin", "update_office",
    "stamp", "utc_now",
]
