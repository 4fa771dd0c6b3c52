"""The kinds of special points of a bifurcation diagram, in words and as figure labels."""

__all__ = ["KIND_LABELS", "KIND_NAMES"]

#: Kinds of special points, as words.
KIND_NAMES = {
    "fold": "fold",
    "hopf": "Hopf",
    "limit_point_of_cycles": "limit point of cycles",
    "period_doubling": "period doubling",
    "torus": "torus",
    "branch_point": "branch point",
}

#: The short labels of the classical figure (AUTO-07p's, except LPC).
KIND_LABELS = {"fold": "LP", "hopf": "HB", "limit_point_of_cycles": "LPC",
               "period_doubling": "PD", "torus": "TR", "branch_point": "BP"}
