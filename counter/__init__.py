"""BranchQ counter terminal: device-side code."""
