"""Procedural periods of the identification and supervision (I15–I18), pure functions over dated parameters.

The web workflow (publicity, change reports, annual reports, revocation) calls these; they never guess:
a date beyond the working-day calendar's data is an error.
"""
