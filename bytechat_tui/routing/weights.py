"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""

from __future__ import annotations

# ridge strength 0.03 (5-fold cross-validated); score = sigmoid(WEIGHTS · features)
WEIGHTS: tuple[float, ...] = (
    -2.22801,  # bias
    +5.24226,  # length
    +0.02880,  # lines
    +0.00000,  # code_block
    +0.03120,  # code_lines
    +2.40038,  # programming
    +0.71769,  # error_trace
    +0.00000,  # math_words
    +0.70867,  # math_symbols
    +0.05470,  # numbers
    +0.00000,  # proof
    +0.00000,  # reasoning
    +0.00000,  # planning
    +3.71262,  # puzzle
    +0.00000,  # step_by_step
    +1.54506,  # constraints
    +0.60826,  # list_items
    -0.04306,  # questions
    -0.00000,  # creative
    -0.34993,  # rewrite
    -1.81441,  # lookup
    -3.77393,  # greeting
    -0.20728,  # non_english
    -1.97738,  # choices
    +0.10700,  # code_request
    +0.14407,  # compute_request
    -1.73945,  # role_play
    -2.49770,  # advice
    -0.00000,  # writing
    +0.00000,  # long_numbers
)

# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)
TIER_THRESHOLDS: tuple[float, ...] = (0.1916, 0.4824, 0.6209, 0.8211)
