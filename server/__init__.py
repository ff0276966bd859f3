"""BranchQ server: queues, bookings and live updates for branch offices."""

__version__ = "0.1.0"
