"""Supervision after identification (认定后管理): revocation grounds and the tax years to recover, the
re-examination (复核) of a disputed R&D ratio, plausibility of annual reports, Class II IP at re-identification.
Pure functions over the engine; the web layer's supervision app calls them."""
