"""The derivation core: spec → symbolic chain → numbers.

``network`` (the spec), ``activations`` and ``losses`` (one record per function), ``derive``
(the symbolic chain rule), ``backprop`` (forward/backward numbers), ``evaluate`` (a derivation's
numbers and its independent check), ``chain`` (a hand-made chain of factors).
"""
