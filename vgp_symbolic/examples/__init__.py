"""Built-in examples for ``vgp derive --example NAME``.

>>> sorted(EXAMPLES)
['deep', 'net', 'relu', 'seed']
"""
from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.network import Network, Values

__all__ = ["EXAMPLES", "load_example"]

EXAMPLES = {
    "seed": "seed 004's worked example: one route 0.20 × 0.5 × 0.02, w'11 = 2.5, η = 1",
    "net": "the seeds' 3 → 2 → 1 sigmoid network with numbers (examples/net.toml)",
    "relu": "the same network with ReLU hidden units: exact rational gradient (examples/relu.toml)",
    "deep": "the textbook's deep net, 2 → 8 × 10 sigmoid → 1, BCE, Glorot-scale weights: "
            "watch δ shrink layer by layer",
}


def load_example(name: str) -> tuple[Network, Values, str]:
    """Network, values and source text of a network example ('net', 'relu' or 'deep')."""
    # imported here: `vgp derive --help` needs only the names above
    from ..core.network import Network, parse_spec, random_values
    if name in ("net", "relu"):
        text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
        net, vals = parse_spec(text, f"<example {name}>")
        return net, vals, text
    if name == "deep":
        net = Network.build(2, [(10, "sigmoid")] * 8 + [(1, "sigmoid")], "bce")
        # Glorot-uniform scale for 10 → 10 is √(6/20) ≈ 0.55; two decimals keep numbers exact
        vals = random_values(net, seed=42, decimals=2, scale=0.55)
        vals.x, vals.y = [vals.x[0], vals.x[1]], [vals.y[0]]
        return net, vals, "built in: 2 → 8 × [10 (sigmoid)] → 1 (sigmoid), bce, seed 42"
    raise KeyError(name)
