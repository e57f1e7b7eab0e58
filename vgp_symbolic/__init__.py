"""vgp_symbolic: teach and assess the vanishing gradient problem with exact mathematics.

Data flows one way: ``core`` (spec → symbolic chain → numbers)
→ ``report`` / ``proofs`` / homework / grading / lab. ``cli`` only parses, calls and prints.
"""
__version__ = "0.1.0"
