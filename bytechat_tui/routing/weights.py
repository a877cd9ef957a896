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

# the dev prompts' scores at each percentile (0, 1, ... 100): what the thrift-quality dial calibrates on
SCORE_PERCENTILES: tuple[float, ...] = (
    0.00469,
    0.04371,
    0.06032,
    0.07532,
    0.08326,
    0.08863,
    0.09245,
    0.09656,
    0.10069,
    0.10434,
    0.11011,
    0.11558,
    0.12137,
    0.12905,
    0.13810,
    0.14482,
    0.15390,
    0.16259,
    0.17402,
    0.19237,
    0.20319,
    0.21843,
    0.23335,
    0.24661,
    0.25888,
    0.28475,
    0.29551,
    0.30826,
    0.32549,
    0.34056,
    0.34996,
    0.35631,
    0.36917,
    0.38385,
    0.39922,
    0.41471,
    0.42930,
    0.43813,
    0.44512,
    0.46080,
    0.47258,
    0.48025,
    0.48859,
    0.49251,
    0.50015,
    0.50672,
    0.51116,
    0.51553,
    0.52077,
    0.52876,
    0.53489,
    0.53895,
    0.54266,
    0.54695,
    0.55101,
    0.55658,
    0.55908,
    0.56229,
    0.56599,
    0.57029,
    0.57722,
    0.57975,
    0.58368,
    0.58870,
    0.59554,
    0.60010,
    0.60436,
    0.60941,
    0.61498,
    0.61863,
    0.62581,
    0.63690,
    0.64193,
    0.65022,
    0.65598,
    0.66941,
    0.67575,
    0.68735,
    0.69403,
    0.70732,
    0.71600,
    0.72584,
    0.74987,
    0.76101,
    0.76711,
    0.78724,
    0.79857,
    0.82110,
    0.83083,
    0.84276,
    0.85160,
    0.87274,
    0.89055,
    0.90821,
    0.92559,
    0.94058,
    0.95588,
    0.96629,
    0.97195,
    0.97610,
    0.99917,
)

# score at or above each threshold needs tier 2, 3, 4, 5 (quantiles of the dev prompts' scores)
TIER_THRESHOLDS: tuple[float, ...] = (0.2032, 0.5067, 0.6258, 0.8308)
