"""BranchQ kiosk terminal: device-side code."""
