"""BranchQ counter terminal: the teller's page and the rating pad's (``counter/page``)."""
