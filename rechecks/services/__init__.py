"""Every state change of the rechecks app (Art 15), one function each.

``runs`` (start, pause, resume, cancel, plan, sweep), ``chunks`` (one chunk's work), ``checks``
(the per-account checks, no writes), ``corrections`` (suspend, correction deadline, lift,
overdue → close proposed, per-article policy), ``impact`` (what a lexicon change would newly
flag). Modules import each other directly, never through this file.
"""
