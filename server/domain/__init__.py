"""Pure rules of BranchQ: no framework, no database, no clock, no environment.

Everything here takes values and returns values, so the same code runs in the server,
the branch-day simulator and the benchmarks.
"""
