"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""

from __future__ import annotations

# ridge strength 0.03 (5-fold cross-validated); score = sigmoid(WEIGHTS · features)
WEIGHTS: tuple[float, ...] = (
    -2.29521,  # bias
    +5.28368,  # length
    +0.00162,  # lines
    +0.00000,  # code_block
    +0.00000,  # code_lines
    +2.12549,  # programming
    +0.80174,  # error_trace
    +0.00000,  # math_words
    +0.77662,  # math_symbols
    +0.00000,  # numbers
    +0.00000,  # proof
    +0.00000,  # reasoning
    +0.00000,  # planning
    +3.65859,  # puzzle
    +0.00000,  # step_by_step
    +1.60005,  # constraints
    +0.58424,  # list_items
    +0.10357,  # questions
    -0.00000,  # creative
    -0.34631,  # rewrite
    -1.81611,  # lookup
    -3.77698,  # greeting
    -0.20573,  # non_english
    -1.95459,  # choices
    +0.55486,  # code_request
    +0.15321,  # compute_request
    -1.36677,  # role_play
    -2.51100,  # advice
    -0.00000,  # writing
    +0.00000,  # long_numbers
)

# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)
TIER_THRESHOLDS: tuple[float, ...] = (0.1955, 0.4796, 0.6240, 0.8240)
