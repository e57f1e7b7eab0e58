"""Proofs behind the vanishing gradient problem, every step checked by SymPy (``vgp prove``).

* :mod:`.steps` -- a proof is data: :class:`Step` (claim, LaTeX, an executed check), printing;
* :mod:`.checks` -- the SymPy verifications steps run (identities, signs, limits, solution sets);
* :mod:`.intervals` -- certified enclosures with ``mpmath.iv`` (swish's maximum, erf);
* :mod:`.activation_bounds` -- one proof builder per activation: f′, sup|f′| and where, inf,
  saturation; :mod:`.activation_facts` -- the result type and its printing;
* :mod:`.powers` -- exact qⁿ tables, threshold (vanishing) and explosion depths;
* :mod:`.depth` -- the depth bound and its proof, the bound for a concrete network, the report.

>>> from fractions import Fraction
>>> from vgp_symbolic.proofs import prove_activation, threshold_depth
>>> prove_activation("sigmoid").sup, threshold_depth(Fraction(1, 4), Fraction(1, 10**6))
(1/4, 10)
"""
from .activation_bounds import ActivationBound, prove_activation, sup_abs_derivative
from .depth import (DepthReport, delta_bounds, depth_bound_proof, depth_report, gradient_bound,
                    gradient_bounds)
from .powers import PowerRow, explosion_depth, power_table, threshold_depth
from .intervals import Enclosure
from .steps import CheckedProof, Proof, Step, StepResult

__all__ = ["ActivationBound", "prove_activation", "sup_abs_derivative",
           "DepthReport", "PowerRow", "delta_bounds", "depth_bound_proof", "depth_report",
           "explosion_depth", "gradient_bound", "gradient_bounds", "power_table", "threshold_depth", "Enclosure",
           "CheckedProof", "Proof", "Step", "StepResult"]
