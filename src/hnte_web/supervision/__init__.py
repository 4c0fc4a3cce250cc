"""Supervision after identification (认定后管理): annual development reports, name and major change reports,
relocation, checks, re-examination, revocation, expiry and re-identification, the office dashboard and the public
lists. See :mod:`.models` for what is recorded and :mod:`.sweep` for the daily run."""
