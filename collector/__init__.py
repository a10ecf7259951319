"""The central collector: ingest API, enrolment, web survey, reports."""
