"""Teacher tooling: student versions, and grading a class on every core and across machines.

One module per job: ``config`` (folders, limits, course version), ``release`` (student
versions with nbgrader), ``collect`` (which submissions, what was refused, shards),
``repair`` (the notebook to grade, built from the course version and the student's
answers), ``sandbox`` (bubblewrap on an empty root), ``cgroups`` and ``launch`` (limits per
sandbox), ``in_kernel/graded_calls`` (the student's calls recorded, then replayed in the
verdict kernel), ``autograde`` (run, judge and score, in parallel), ``results`` (what a
grade is), ``report`` (grade tables, merge), ``feedback`` (HTML pages) and ``cli`` (the
commands). The README's
"Teaching with this course" section says how to use them and what the grader guards
against.
"""
