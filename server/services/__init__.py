"""Use cases: one function each. Load, ask the domain, commit, then publish."""
