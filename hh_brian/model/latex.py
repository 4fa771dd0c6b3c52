"""A model's equations typeset in LaTeX (the docs' and notebooks' equation blocks)."""

from __future__ import annotations

__all__ = ["latex_name", "to_latex"]

_GREEK = {"alpha", "beta", "tau", "sigma", "mu"}


def latex_name(name: str) -> str:
    r"""A variable's name in LaTeX: Greek heads, subscripts, ``_inf`` as ∞.

    Examples
    --------
    >>> latex_name("tau_n"), latex_name("m_inf"), latex_name("g_Na")
    ('\\tau_{n}', 'm_{\\infty}', 'g_{Na}')
    """
    head, _, rest = name.partition("_")
    head = f"\\{head}" if head in _GREEK else head
    if not rest:
        return head
    rest = {"inf": "\\infty"}.get(rest, rest.replace("_inf", ",\\infty").replace("_", ","))
    return f"{head}_{{{rest}}}"


def to_latex(model) -> str:
    r"""``model``'s equations as a LaTeX ``aligned`` block (parameters omitted); see
    :meth:`Model.to_latex <hh_brian.model.core.Model.to_latex>`.

    Examples
    --------
    >>> from hh_brian import get_model
    >>> to_latex(get_model("passive_membrane")).splitlines()[0]
    '\\begin{aligned}'
    """
    import sympy
    from brian2.parsing.sympytools import str_to_sympy

    eqs = model.brian2_equations()
    lines = []
    for name, eq in eqs.items():
        if eq.type == "parameter":
            continue
        expr = str_to_sympy(eq.expr.code)
        names = {symbol: latex_name(str(symbol)) for symbol in expr.free_symbols}
        for unit in ("mV", "ms"):
            for symbol in expr.free_symbols:
                if str(symbol) == unit:
                    names[symbol] = f"\\mathrm{{{unit}}}"
        rhs = sympy.latex(expr, symbol_names=names, mul_symbol=" ")
        lhs = (f"\\frac{{d{latex_name(name)}}}{{dt}}" if eq.type == "differential equation"
               else latex_name(name))
        lines.append(f"{lhs} &= {rhs}")
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"
