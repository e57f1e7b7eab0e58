"""Personalised homework: problem library, per-student draws, answers, mistakes, rendering.

The public API is the contract with the grader (docs/homework-interface.md)::

    load_assignment(path) -> Assignment
    load_roster(path) -> list[Student]
    student_set(assignment, student, class_seed=None) -> StudentSet

Every answer, tolerance and catalogued mistake comes from the derivation core (``derive`` +
``evaluate``, ``factor_chain``, ``activations``) for the student's own parameters; the PDF,
the worked solution, ``key.csv`` and the grader all read the same :class:`StudentSet`.

>>> Tolerance(rel=1e-3).describe()
'within 0.1 %'
"""
from .assignment import load_assignment, load_problem_spec
from .model import (Assignment, HomeworkError, Mistake, ProblemRender, ProblemSpec, ProblemUse,
                    Question, QuestionInfo, Student, StudentSet, Tolerance)
from .roster import load_roster
from .sets import student_seed, student_set

__all__ = ["load_assignment", "load_roster", "student_set", "student_seed", "load_problem_spec",
           "HomeworkError", "Tolerance", "Mistake", "Question", "Student", "StudentSet",
           "Assignment", "QuestionInfo", "ProblemRender", "ProblemSpec", "ProblemUse"]
