"""``branchq simulate``: replay a day under one or more policies, or generate a day."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from server.domain.errors import InvalidInput
from server.domain.policy import QueuePolicy
from server.simulation import engine
from server.simulation.accuracy import accuracy, accuracy_table, by_class
from server.simulation.counters import Counter, counters_toml, load_counters
from server.simulation.estimates import EstimateRow, estimate_day, estimates_json
from server.simulation.generator import DayShape, branch_counters, generate_day
from server.simulation.history import trace_from_history
from server.simulation.metrics import day_figures
from server.simulation.report import figures_json, text_report
from server.simulation.trace import Arrival, SimulationInputError, load_trace, save_trace, write_trace
from server.simulation.weights import load_weights, with_kind

_PATH = click.Path(dir_okay=False, path_type=Path)


@click.command("simulate")
@click.argument("trace", required=False, type=_PATH)
@click.option("--counters", "counters_path", type=_PATH, help="Counters TOML ([[counter]] number, services).")
@click.option("--policy", "policies", multiple=True, help="apq, apq_plain, fifo or strict; repeat or comma-separate.")
@click.option("--weights", type=_PATH, help="Policy TOML: [classes.<cls>] target, head_start, hard_limit.")
@click.option("--plot", type=_PATH, help="Write waits over the day per class to this PNG.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (waits in seconds).")
@click.option(
    "--estimates", is_flag=True, help="Also replay the wait forecast shown at each check-in and how it came true."
)
@click.option("--runs", type=click.IntRange(1, 2000), default=100, show_default=True, help="Forecast runs each.")
@click.option("--from-db", "from_db", is_flag=True, help="Replay a past day of a branch from the database.")
@click.option("--branch", "branch_ref", help="With --from-db: the branch's code or id.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="With --from-db: the day, YYYY-MM-DD.")
@click.option("--generate", is_flag=True, help="Write a synthetic day instead of simulating one.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed of the generated day.")
@click.option("--out", type=_PATH, help="Where --generate (or --from-db) writes the trace CSV.")
@click.option("--counters-out", type=_PATH, help="With --generate or --from-db: also write the counters TOML.")
@click.option("--load", type=float, default=0.85, show_default=True, help="Offered load outside the lunch peak.")
@click.option("--counters-count", type=int, default=5, show_default=True, help="Counters of the generated day.")
@click.option("--hours", type=float, default=10.0, show_default=True, help="Length of the generated day.")
@click.option("--priority-share", type=float, default=0.1, show_default=True, help="Share of priority walk-ins.")
@click.option("--vip-share", type=float, default=0.05, show_default=True, help="Share of VIP walk-ins.")
@click.option("--appointment-share", type=float, default=0.1, show_default=True, help="Share of booked customers.")
@click.option("--no-show-rate", type=float, default=0.1, show_default=True, help="Booked customers who never come.")
@click.option("--lunch-peak", type=float, default=1.0, show_default=True, help="Arrival multiplier 12:00-14:00.")
def simulate(
    trace: Path | None,
    counters_path: Path | None,
    policies: tuple[str, ...],
    weights: Path | None,
    plot: Path | None,
    as_json: bool,
    estimates: bool,
    runs: int,
    from_db: bool,
    branch_ref: str | None,
    day: datetime | None,
    generate: bool,
    seed: int,
    out: Path | None,
    counters_out: Path | None,
    **shape: float,
) -> None:
    """Replay TRACE.csv through the counters under each policy and report waits per class and service.

    With --generate, write a synthetic day (same seed, same bytes) instead. With --from-db
    --branch CODE --date YYYY-MM-DD, replay that day of the branch from the database
    (DATABASE_URL) under the branch's own policy (or --weights), and with --out keep its trace.
    """
    try:
        if generate:
            _generate(seed, out, counters_out, shape)
            return
        if from_db:
            arrivals, counters, base = _from_db(branch_ref, day, out, counters_out)
        elif trace is None or counters_path is None:
            raise click.UsageError("give TRACE.csv and --counters COUNTERS.toml (or --generate, or --from-db)")
        else:
            arrivals, counters, base = load_trace(trace), load_counters(counters_path), QueuePolicy()
        base = load_weights(weights) if weights else base
        names = [n.strip() for raw in policies for n in raw.split(",") if n.strip()] or [base.kind.value]
        policies_by_name = {name: with_kind(base, name) for name in names}
    except SimulationInputError as exc:
        raise click.ClickException(str(exc)) from None
    shown: dict[str, list[EstimateRow]] = {}
    results = {}
    for name, policy in policies_by_name.items():
        if estimates:
            results[name], shown[name] = estimate_day(arrivals, counters, policy, runs=runs)
        else:
            results[name] = engine.simulate(arrivals, counters, policy)
    _report(results, as_json, plot, shown)


def _from_db(
    branch_ref: str | None, day: datetime | None, out: Path | None, counters_out: Path | None
) -> tuple[list[Arrival], list[Counter], QueuePolicy]:
    """The branch's day from the database as a trace, its counters, and the branch's policy."""
    if not branch_ref or day is None:
        raise click.UsageError("--from-db needs --branch CODE_OR_ID and --date YYYY-MM-DD")
    arrivals, counters, policy = replay_inputs(branch_ref, day.date())
    if out is not None:
        save_trace(arrivals, out)
    if counters_out is not None:
        counters_out.write_text(counters_toml(counters), encoding="utf-8")
    return arrivals, counters, policy


def replay_inputs(
    branch_ref: str, day: date, database_url: str | None = None
) -> tuple[list[Arrival], list[Counter], QueuePolicy]:
    """Arrivals, counters and policy of ``branch_ref``'s ``day``, read from the database (read-only)."""
    from server.settings import Settings
    from server.store.database import make_engine
    from server.store.history import BranchNotFound, load_branch_day

    store = make_engine(database_url or Settings.from_env().database_url)
    try:
        found = load_branch_day(store, branch_ref, day)
    except BranchNotFound as exc:
        raise SimulationInputError(str(exc)) from None
    finally:
        store.dispose()
    counters = [Counter(c.number, c.services) for c in found.counters]
    if not counters:
        raise SimulationInputError(f"branch {found.code} has no counter serving any service")
    try:
        policy = QueuePolicy.from_dict(found.policy)
    except InvalidInput as exc:
        raise SimulationInputError(f"branch {found.code}: stored policy is not valid ({exc})") from None
    return trace_from_history(found.rows, found.opening), counters, policy


def _report(
    results: dict[str, engine.DayResult], as_json: bool, plot: Path | None, shown: dict[str, list[EstimateRow]]
) -> None:
    figures = {name: day_figures(r) for name, r in results.items()}
    if as_json:
        click.echo(figures_json(figures, {name: estimates_json(rows) for name, rows in shown.items()}), nl=False)
    else:
        click.echo(text_report(figures), nl=False)
        for name, rows in shown.items():
            click.echo(f"\nwait forecast shown at check-in, policy {name} (runs per customer: see --runs):")
            click.echo(accuracy_table(by_class(rows) | {"all": accuracy(rows)}), nl=False)
    if plot is not None:
        from server.simulation.plot import plot_waits

        plot_waits(results, plot)


def _generate(seed: int, out: Path | None, counters_out: Path | None, options: dict[str, float]) -> None:
    shape = DayShape(
        counters=int(options["counters_count"]),
        hours=options["hours"],
        load=options["load"],
        priority_share=options["priority_share"],
        vip_share=options["vip_share"],
        appointment_share=options["appointment_share"],
        no_show_rate=options["no_show_rate"],
        lunch_peak=options["lunch_peak"],
    )
    arrivals = generate_day(shape, seed)
    if out is None:
        write_trace(arrivals, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as f:
            write_trace(arrivals, f)
    if counters_out is not None:
        counters_out.write_text(counters_toml(branch_counters(shape)), encoding="utf-8")
