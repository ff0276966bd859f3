"""BranchQ display terminal: device-side code."""
