"""The shared kernel: timestamps, the audit/activity log, background jobs with progress, input guards,
one-time form tokens, uploads checks, backup/restore, the academic year and the error pages."""
