"""``vgp check``: draw every problem of an assignment for many ids and print the findings."""
from __future__ import annotations

import click


@click.command()
@click.argument("assignment", type=click.Path(dir_okay=False))
@click.option("--ids", "ids", type=click.IntRange(min=1), default=1000, show_default=True,
              help="How many student ids to draw for.")
@click.option("--seed", type=int, default=None, help="Class seed (default: the assignment's).")
@click.pass_context
def check(ctx, assignment, ids, seed):
    """Check an assignment before setting it: failed or re-drawn draws, answers that hardly
    vary, tolerances that do not fit the answers, mistakes the tolerance cannot tell apart.
    Exit code 2 when some id cannot be drawn at all, else 0 (warnings printed).

    \b
      vgp check vgp_symbolic/problems/hw2.toml --ids 200
    """
    from ..homework.assignment import load_assignment
    from ..homework.check import check_assignment
    findings = check_assignment(load_assignment(assignment), ids, seed)
    for f in findings:
        click.echo(str(f))
    count = {lvl: sum(f.level == lvl for f in findings) for lvl in ("error", "warning", "note")}
    click.echo(f"{assignment}: {ids} ids drawn; {count['error']} error(s), "
               f"{count['warning']} warning(s), {count['note']} note(s)")
    if count["error"]:
        ctx.exit(2)
