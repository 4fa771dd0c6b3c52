"""Course content: what retells the source documents and teaches with the package, apart from
the library's API.

* :mod:`~hh_brian.course.gallery`: every figure of both sources, and the package's own
  (``hh-brian figures``);
* :mod:`~hh_brian.course.notebook_figures`: the dV/dt notebook's figures;
* :mod:`~hh_brian.course.fit_demo`: the demonstration recordings of the fitting pages;
* :mod:`~hh_brian.course.teaching`: each step of the chapter fitted to one HH recording.
"""

__all__: list[str] = []
