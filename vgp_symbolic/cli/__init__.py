"""The ``vgp`` command line: one module per subcommand; each only parses, calls and prints."""
import gc

import click

from .. import __version__
from ..errors import UserError
from ._common import BadInput
from .check import check
from .derive import derive
from .export import export
from .lms_import import lms_import
from .grade import grade
from .init import init
from .lab import lab
from .preview import preview
from .prove import prove
from .render import render


class _Group(click.Group):
    """Maps every :class:`~vgp_symbolic.errors.UserError` to ``Error: …`` and exit code 2."""

    def __call__(self, *args, **kwargs):
        # The `vgp` process runs one command. SymPy leaves ~10⁵ objects alive that the cyclic
        # collector would walk again at every full pass while a wide spec's 10⁴ row lists are made,
        # and once more as the interpreter exits: a larger first generation (as mypy sets) and,
        # at exit, freezing what is alive (it needs no collecting: the process ends) take 0.2 s
        # off a 1 s derivation of a 50 × 200 network. CliRunner calls main(), not this.
        gc.set_threshold(50_000, 20, 20)
        try:
            return super().__call__(*args, **kwargs)
        finally:
            gc.freeze()

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as e:
            raise BadInput(str(e)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vgp")
def main():
    """Derive, prove, set and grade the vanishing gradient problem with exact mathematics.

    \b
      vgp derive --example seed          the textbook's worked example
      vgp derive NET.toml --wrt w1_11    the chain rule for any weight of any network
      vgp prove sigmoid                  σ' ≤ 1/4, checked step by step
      vgp init course                    a starter assignment folder (then: cd course; vgp render)
      vgp render vgp_symbolic/problems/hw1.toml ...   personalised homework PDFs with solutions
      vgp check vgp_symbolic/problems/hw2.toml        draw 1,000 ids, report what to fix
      vgp grade vgp_symbolic/problems/hw1.toml ...    grade submitted answers, diagnose mistakes
      vgp export moodle|canvas|qti21 hw1.toml ...     variants as an LMS question pool
      vgp import responses.csv hw1.toml ...           grade LMS responses, grades back out
      vgp lab                            train the textbook's deep sigmoid net and measure
    """


for _cmd in (derive, prove, init, render, preview, check, grade, lab, export, lms_import):
    main.add_command(_cmd)
