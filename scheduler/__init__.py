"""Scheduled jobs (APScheduler): reminders, escalations, digests, report drafts and mail,
retention and backups, run by one leader process at a time."""
