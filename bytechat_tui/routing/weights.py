"""Classifier weights, fitted by tests/tools/fit_weights.py on the dev routing data. Do not edit."""

from __future__ import annotations

# score = sigmoid(WEIGHTS · features)
RIDGE_STRENGTH = 0.01
"""Pull toward the prior, chosen by cross-validation; `fit_weights.py --check` reuses it."""

WEIGHTS: tuple[float, ...] = (
    -2.26035,  # bias
    +5.80334,  # length
    -1.35728,  # lines
    +0.00000,  # code_block
    +0.00000,  # code_lines
    +1.57577,  # programming
    +0.87959,  # error_trace
    +0.00000,  # math_words
    +0.00000,  # math_symbols
    +0.20083,  # numbers
    +0.00000,  # proof
    -0.62268,  # reasoning
    +0.00000,  # planning
    +2.97042,  # puzzle
    -1.69388,  # step_by_step
    +0.30095,  # constraints
    +0.47142,  # list_items
    +0.22985,  # questions
    -0.00000,  # creative
    -0.00000,  # rewrite
    -1.53458,  # lookup
    -3.39945,  # greeting
    -0.26181,  # non_english
    -1.93997,  # choices
    +0.00000,  # code_request
    +0.00000,  # compute_request
    -1.06871,  # role_play
    -2.39974,  # advice
    -0.57424,  # writing
    +0.00000,  # long_numbers
    -0.59438,  # explain
    +2.60005,  # technical_terms
    +1.00371,  # science
)

# each feature's mean over the dev prompts: reasons quote what sets a message apart from these
TYPICAL: tuple[float, ...] = (
    1.00000,  # bias
    0.41207,  # length
    0.10482,  # lines
    0.00509,  # code_block
    0.01621,  # code_lines
    0.13773,  # programming
    0.00366,  # error_trace
    0.05809,  # math_words
    0.09675,  # math_symbols
    0.29337,  # numbers
    0.03230,  # proof
    0.02261,  # reasoning
    0.02927,  # planning
    0.02153,  # puzzle
    0.02724,  # step_by_step
    0.09628,  # constraints
    0.01077,  # list_items
    0.23009,  # questions
    0.05667,  # creative
    0.03126,  # rewrite
    0.00034,  # lookup
    0.00000,  # greeting
    0.00372,  # non_english
    0.25340,  # choices
    0.14718,  # code_request
    0.33243,  # compute_request
    0.02567,  # role_play
    0.03307,  # advice
    0.05224,  # writing
    0.11516,  # long_numbers
    0.14475,  # explain
    0.12307,  # technical_terms
    0.03715,  # science
)

# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)
TIER_THRESHOLDS: tuple[float, ...] = (0.2032, 0.5067, 0.6258, 0.8308)
