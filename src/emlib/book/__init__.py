"""The book's machinery: listings, profiling tables, figures and their style.

Nothing here is part of the EM fit. A learner studies the top level of
:mod:`emlib` (parameters, validation, the driver, sampling and the fitters); the
chapters use these modules to show that code and to draw what it does:

=====================  ==========================================================
``show``               source listings and diffs of the package's own code
``profiling``          cProfile tables and a small-call timer
``measurements``       slow timings measured once and reused by every chapter
``plots``              the chapters' figures
``shapes``             broadcasting plans and diagrams
``layout``             the ``(K, N)`` and ``(N, K)`` layouts compared
``model_selection``    BIC and random starts
``results``            the speed-up table read from benchmark records
``walk``               chapter 6's walk of fitters, timed and attributed
``far_from_zero``      the variance's digits lost on data far from zero
``table``              one small table type, as text and as Markdown
``style``              one figure style for the book
=====================  ==========================================================
"""
