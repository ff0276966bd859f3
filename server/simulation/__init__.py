"""Branch-day simulator: replays an arrival trace through the real queue policy.

Pure Python over :mod:`server.domain`; no database, web framework or clock. The
pieces: :mod:`.trace` (CSV), :mod:`.counters` and :mod:`.weights` (TOML),
:mod:`.generator` (synthetic days), :mod:`.engine` (discrete events),
:mod:`.metrics`, :mod:`.report`, :mod:`.plot`, :mod:`.history` (past tickets to a
trace), :mod:`.theory` (Erlang C, Kleinrock) and :mod:`.command` (the CLI).
"""
